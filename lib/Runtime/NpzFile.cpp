//===- NpzFile.cpp - Reading numpy .npz archives --------------------------===//
//
// Reads the zip central directory (APPNOTE.TXT 4.3.12-4.3.16), not the
// local headers alone: numpy writes members with data descriptors, whose
// local headers may not hold the sizes.
//
//===----------------------------------------------------------------------===//

#include "mlc/Runtime/NpzFile.h"

#include "llvm/Support/Endian.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace llvm;

static constexpr uint32_t kEndOfCentralDirectory = 0x06054b50;
static constexpr uint32_t kCentralDirectoryEntry = 0x02014b50;
static constexpr uint32_t kLocalFileHeader = 0x04034b50;
static constexpr size_t kEndRecordSize = 22;
static constexpr size_t kEntrySize = 46;
static constexpr size_t kLocalHeaderSize = 30;

static Error makeError(StringRef path, const Twine &message) {
  return createStringError("'" + path + "': " + message);
}

static uint16_t read16(StringRef bytes, size_t offset) {
  return support::endian::read16le(bytes.data() + offset);
}
static uint32_t read32(StringRef bytes, size_t offset) {
  return support::endian::read32le(bytes.data() + offset);
}

Expected<std::vector<std::pair<std::string, mlc::HostTensor>>>
mlc::readNpzFile(StringRef path) {
  ErrorOr<std::unique_ptr<MemoryBuffer>> buffer = MemoryBuffer::getFile(
      path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!buffer)
    return makeError(path, buffer.getError().message());
  StringRef bytes = (*buffer)->getBuffer();

  // The end record is the last 22 bytes, unless a comment (up to 64 KiB)
  // follows it.
  if (bytes.size() < kEndRecordSize)
    return makeError(path, "not an .npz (zip) archive");
  size_t end = bytes.size() - kEndRecordSize;
  size_t lowest = end > 0xffff ? end - 0xffff : 0;
  while (read32(bytes, end) != kEndOfCentralDirectory) {
    if (end == lowest)
      return makeError(path, "not an .npz (zip) archive");
    --end;
  }
  uint16_t entries = read16(bytes, end + 10);
  uint32_t directorySize = read32(bytes, end + 12);
  uint32_t directoryOffset = read32(bytes, end + 16);
  if (directoryOffset == 0xffffffff || entries == 0xffff)
    return makeError(path, "zip64 archives are not supported");
  if (uint64_t(directoryOffset) + directorySize > end)
    return makeError(path, "truncated .npz archive");

  std::vector<std::pair<std::string, HostTensor>> arrays;
  size_t entry = directoryOffset;
  for (unsigned i = 0; i < entries; ++i) {
    if (entry + kEntrySize > end ||
        read32(bytes, entry) != kCentralDirectoryEntry)
      return makeError(path, "corrupt .npz central directory");
    uint16_t method = read16(bytes, entry + 10);
    uint32_t compressedSize = read32(bytes, entry + 20);
    uint32_t size = read32(bytes, entry + 24);
    uint16_t nameLength = read16(bytes, entry + 28);
    uint16_t extraLength = read16(bytes, entry + 30);
    uint16_t commentLength = read16(bytes, entry + 32);
    uint32_t localOffset = read32(bytes, entry + 42);
    if (entry + kEntrySize + nameLength > end)
      return makeError(path, "corrupt .npz central directory");
    StringRef name = bytes.substr(entry + kEntrySize, nameLength);
    entry += kEntrySize + nameLength + extraLength + commentLength;

    std::string member = (path + "[" + name + "]").str();
    if (method == 8)
      return makeError(member, "compressed .npz members (numpy.savez_"
                               "compressed) are not supported; save with "
                               "numpy.savez");
    if (method != 0)
      return makeError(member,
                       "unsupported zip compression method " + Twine(method));
    if (size != compressedSize || size == 0xffffffff)
      return makeError(member, "zip64 members are not supported");
    if (uint64_t(localOffset) + kLocalHeaderSize > bytes.size() ||
        read32(bytes, localOffset) != kLocalFileHeader)
      return makeError(member, "corrupt zip local header");
    uint64_t data = uint64_t(localOffset) + kLocalHeaderSize +
                    read16(bytes, localOffset + 26) +
                    read16(bytes, localOffset + 28);
    if (data + size > bytes.size())
      return makeError(member, "truncated .npz member");
    Expected<HostTensor> tensor =
        readNpyBytes(member, bytes.substr(data, size));
    if (!tensor)
      return tensor.takeError();
    StringRef key = name;
    key.consume_back(".npy");
    tensor->name = key.str();
    arrays.emplace_back(key.str(), std::move(*tensor));
  }
  return arrays;
}
