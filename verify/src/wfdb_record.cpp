#include "wfdb_record.h"

#include "safe_text.h"

#include <veridicor/verify/encoding.h>
#include <veridicor/verify/keys.h>

#include <algorithm>
#include <array>
#include <fstream>

namespace veridicor::verify::detail {

namespace {

Unexpected<Error> unsupported(std::string message) {
    return Unexpected{Error{ErrorCode::Unsupported, std::move(message)}};
}
Unexpected<Error> unreadable(std::string message) {
    return Unexpected{Error{ErrorCode::Unreadable, std::move(message)}};
}

/// The tokens of one header line, split where the WFDB library's strtok(" \t\n\r") splits them.
std::vector<std::string_view> tokens(std::string_view line) {
    std::vector<std::string_view> out;
    std::size_t at = 0;
    while (at < line.size()) {
        const std::size_t start = line.find_first_not_of(" \t\r", at);
        if (start == std::string_view::npos) {
            break;
        }
        const std::size_t end = std::min(line.find_first_of(" \t\r", start), line.size());
        out.push_back(line.substr(start, end - start));
        at = end;
    }
    return out;
}

bool allDigits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// Why a signal file name is not one we open, or empty. Only names of files in the header's own folder are
/// accepted: the WFDB library would search its WFDB path for others, and a header must not make us read
/// (and so disclose the digest of) a file elsewhere.
std::string refusedName(std::string_view name) {
    if (name == "-") {
        return "reads a signal from standard input ('-'), which is not a file that can be bound";
    }
    if (name.size() > kMaxWfdbFileNameBytes) {
        return "names a signal file longer than " + std::to_string(kMaxWfdbFileNameBytes) + " bytes";
    }
    if (name.find('/') != std::string_view::npos || name.find('\\') != std::string_view::npos ||
        name.find("..") != std::string_view::npos) {
        return "names a signal file outside the record's folder (" + quoteText(name) + ")";
    }
    if (std::any_of(name.begin(), name.end(),
                    [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == '\x7f'; })) {
        return "names a signal file with a control character in its name";
    }
    return {};
}

std::string recordNameOf(const std::filesystem::path& header) {
    const std::string file = header.filename().string();
    return file.substr(0, file.size() - 4); // without ".hea"
}

Expected<std::string, Error> readHeader(const std::filesystem::path& header) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(header, ec)) {
        return unreadable("the WFDB header '" + header.string() + "' is missing or not a regular file");
    }
    return readFileBounded(header, kMaxWfdbHeaderBytes);
}

void putU64(Sha256& hasher, std::uint64_t v) {
    std::array<std::uint8_t, 8> b{};
    for (int i = 7; i >= 0; --i) {
        b[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v & 0xFF);
        v >>= 8;
    }
    hasher.update(b.data(), b.size());
}

/// Hashes u64be(size) and the bytes of `file`, streamed. The size is taken from the open file, and the file
/// must hold exactly that many bytes while and after it is read: a signal file being written (or swapped)
/// is not one whose digest means anything.
Expected<std::uint64_t, Error> hashFile(Sha256& hasher, const std::filesystem::path& file) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec)) {
        return unreadable("the WFDB signal file '" + file.string() + "' is missing or not a regular file");
    }
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        return unreadable("'" + file.string() + "' cannot be opened for reading");
    }
    in.seekg(0, std::ios::end);
    const std::streamoff end = in.tellg();
    in.seekg(0, std::ios::beg);
    if (end < 0 || !in) {
        return unreadable("the size of '" + file.string() + "' cannot be read");
    }
    const auto size = static_cast<std::uint64_t>(end);
    putU64(hasher, size);
    std::vector<char> buf(std::size_t{1} << 20);
    std::uint64_t done = 0;
    while (done < size) {
        const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), size - done));
        in.read(buf.data(), static_cast<std::streamsize>(want));
        const auto got = static_cast<std::size_t>(in.gcount());
        hasher.update(buf.data(), got);
        done += got;
        if (got < want) {
            break;
        }
    }
    const bool longer = done == size && in.peek() != std::ifstream::traits_type::eof();
    const auto now = std::filesystem::file_size(file, ec);
    if (done != size || longer || ec || now != size) {
        return unreadable("'" + file.string() + "' changed size while it was read");
    }
    return size;
}

} // namespace

Expected<std::vector<std::string>, Error> parseWfdbHeader(std::string_view header,
                                                          std::string_view recordName) {
    const std::string what = "the WFDB header of record " + quoteText(recordName);
    bool haveRecordLine = false;
    std::size_t nsig = 0;
    std::size_t signalLines = 0;
    std::vector<std::string> files;
    std::size_t at = 0;
    while (at <= header.size()) {
        const std::size_t nl = std::min(header.find('\n', at), header.size());
        const auto line = tokens(header.substr(at, nl - at));
        at = nl + 1;
        if (line.empty() || line.front().front() == '#') {
            continue; // blank or a comment (the WFDB library skips both, wherever they are)
        }
        if (!haveRecordLine) {
            // name[/segments] nsig [freq[/counterfreq[(base)]] [nsamp [time [date]]]]
            haveRecordLine = true;
            const std::string_view name = line.front();
            if (name.find('/') != std::string_view::npos) {
                return unsupported(what + " is of a multi-segment record: its header names segment records, "
                                          "not signal files, and wfdb-record-v1 does not bind those");
            }
            if (name != recordName) {
                return unsupported(what + " names another record on its record line (" + quoteText(name) +
                                   ")");
            }
            if (line.size() < 2 || !allDigits(line[1]) || line[1].size() > 5) {
                return unsupported(what + " has no number of signals on its record line");
            }
            nsig = static_cast<std::size_t>(std::stoul(std::string(line[1])));
            if (nsig > kMaxWfdbSignals) {
                return unsupported(what + " declares " + std::to_string(nsig) + " signals, more than the " +
                                   std::to_string(kMaxWfdbSignals) + " accepted");
            }
            continue;
        }
        // A signal line: file name, then format, gain, … (only the name matters here).
        if (++signalLines > nsig) {
            break;
        }
        const std::string_view name = line.front();
        if (auto why = refusedName(name); !why.empty()) {
            std::string message = what;
            message += ' ';
            message += why;
            return unsupported(std::move(message));
        }
        if (std::find(files.begin(), files.end(), name) == files.end()) {
            files.emplace_back(name);
        }
    }
    if (!haveRecordLine) {
        return unsupported(what + " has no record line");
    }
    if (signalLines != nsig) {
        return unsupported(what + " declares " + std::to_string(nsig) + " signals but has " +
                           (signalLines > nsig ? "more" : std::to_string(signalLines)) + " signal lines");
    }
    return files;
}

Expected<WfdbRecord, Error> findWfdbRecord(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
        return unreadable("'" + path.string() + "' is missing or not a regular file");
    }
    const bool isHeader = path.extension() == ".hea";
    std::filesystem::path header = path;
    if (!isHeader) {
        header.replace_extension(".hea");
        if (!std::filesystem::exists(header, ec)) {
            return Unexpected{Error{ErrorCode::Invalid, "'" + path.string() +
                                                            "' is not part of a WFDB record: no header '" +
                                                            header.filename().string() + "' beside it"}};
        }
    }
    auto text = readHeader(header);
    if (!text) {
        return Unexpected{std::move(text).error()};
    }
    WfdbRecord record;
    record.header = header;
    record.recordName = recordNameOf(header);
    auto files = parseWfdbHeader(*text, record.recordName);
    if (!files) {
        return Unexpected{std::move(files).error()};
    }
    record.signalFiles = std::move(*files);
    if (!isHeader && std::find(record.signalFiles.begin(), record.signalFiles.end(),
                               path.filename().string()) == record.signalFiles.end()) {
        return Unexpected{Error{ErrorCode::Invalid, "'" + path.string() +
                                                        "' is not part of a WFDB record: its header '" +
                                                        header.filename().string() + "' does not name it"}};
    }
    for (const std::string& name : record.signalFiles) {
        const auto file = header.parent_path() / name;
        if (!std::filesystem::is_regular_file(file, ec)) {
            return unreadable("the signal file '" + file.string() + "' of WFDB record " +
                              quoteText(record.recordName) + " is missing or not a regular file");
        }
    }
    return record;
}

Expected<std::string, Error> wfdbRecordDigest(const WfdbRecord& record, std::uint64_t* hashedBytes) {
    // The header is read (and parsed) again: the bytes hashed must be those of a header naming exactly the
    // files hashed, even if it was replaced since findWfdbRecord() read it.
    auto text = readHeader(record.header);
    if (!text) {
        return Unexpected{std::move(text).error()};
    }
    auto files = parseWfdbHeader(*text, record.recordName);
    if (!files) {
        return Unexpected{std::move(files).error()};
    }
    if (*files != record.signalFiles) {
        return unreadable("the WFDB header '" + record.header.string() + "' changed while it was read");
    }
    Sha256 hasher;
    static constexpr std::string_view kDomain{"veridicor:wfdb-record-v1\0", 25};
    hasher.update(kDomain);
    putU64(hasher, text->size());
    hasher.update(*text);
    std::uint64_t total = text->size();
    for (const std::string& name : record.signalFiles) {
        putU64(hasher, name.size());
        hasher.update(name);
        auto bytes = hashFile(hasher, record.header.parent_path() / name);
        if (!bytes) {
            return Unexpected{std::move(bytes).error()};
        }
        total += *bytes;
    }
    if (hashedBytes != nullptr) {
        *hashedBytes = total;
    }
    return hexEncode(hasher.finish());
}

} // namespace veridicor::verify::detail
