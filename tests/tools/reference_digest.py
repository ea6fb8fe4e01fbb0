#!/usr/bin/python3
"""Reference digests of finding-bundle-v1 inputs, written from the spec text alone.

An independent implementation of every digest method of ../shared/specs/finding-bundle-v1.md (the table in
"Statement", R2.1 and R2.2), used as ground truth by the C++ tests: it shares no code with the workstation and
reads DICOM with pydicom, not DCMTK. Standard library plus pydicom (Debian python3-pydicom) only; pydicom is
imported only for the DICOM methods, so file-v1 and wfdb-record-v1 need nothing but Python.

    reference_digest.py --method METHOD [--attributes] [--explain] FILE

prints the lowercase hex digest; with --attributes a JSON object {attribute path: SHA-256 hex of that
attribute's encoding} follows on the next lines (empty for methods without attributes); --explain prints each
attribute's path and the value bytes hashed, for people. Exit status 2 with a message on standard error when the
digest cannot be computed.

Methods: file-v1, dicom-waveform-v1, dicom-pixeldata-v1, dicom-waveform-v2, dicom-pixeldata-v2,
wfdb-record-v1.
"""

import argparse
import hashlib
import json
import os
import struct
import sys
import warnings

METHODS = (
    "file-v1",
    "dicom-waveform-v1",
    "dicom-pixeldata-v1",
    "dicom-waveform-v2",
    "dicom-pixeldata-v2",
    "wfdb-record-v1",
)


class DigestError(Exception):
    """The input cannot be digested by the method asked for."""


def u64be(n):
    return struct.pack(">Q", n)


# --------------------------------------------------------------------------------------------------------
# file-v1

def file_digest(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while True:
            block = f.read(1 << 20)
            if not block:
                break
            h.update(block)
    return h.hexdigest()


# --------------------------------------------------------------------------------------------------------
# wfdb-record-v1 (R2.2). Header format: PhysioNet's header(5). Tokens are separated by spaces, tabs and
# carriage returns; a line whose first token starts with '#' is a comment, a line without tokens is blank.

WFDB_MAX_HEADER = 1 << 20
WFDB_MAX_SIGNALS = 4096
WFDB_MAX_NAME = 255


def wfdb_lines(header):
    """The token lists of the header's lines that are neither blank nor comments."""
    out = []
    for line in header.split(b"\n"):
        tokens = line.replace(b"\t", b" ").replace(b"\r", b" ").split(b" ")
        tokens = [t for t in tokens if t]
        if not tokens or tokens[0].startswith(b"#"):
            continue
        out.append(tokens)
    return out


def wfdb_record(path):
    """(header path, record name, [signal file names, first mention order, unique])."""
    if path.endswith(".hea"):
        header_path = path
    else:
        header_path = os.path.splitext(path)[0] + ".hea"
        if not os.path.isfile(header_path):
            raise DigestError(f"{path}: no WFDB header {os.path.basename(header_path)} beside it")
    record = os.path.basename(header_path)[: -len(".hea")]
    if os.path.getsize(header_path) > WFDB_MAX_HEADER:
        raise DigestError(f"{header_path}: header larger than {WFDB_MAX_HEADER} bytes")
    with open(header_path, "rb") as f:
        header = f.read(WFDB_MAX_HEADER + 1)
    if len(header) > WFDB_MAX_HEADER:
        raise DigestError(f"{header_path}: header larger than {WFDB_MAX_HEADER} bytes")
    lines = wfdb_lines(header)
    if not lines:
        raise DigestError(f"{header_path}: no record line")
    record_line = lines[0]
    name = record_line[0]
    if b"/" in name:
        raise DigestError(f"{header_path}: a multi-segment record (its header names segment records, "
                          "not signal files) is not supported")
    if name != record.encode():
        raise DigestError(f"{header_path}: the record line names another record")
    if len(record_line) < 2 or not record_line[1].isdigit():
        raise DigestError(f"{header_path}: the record line has no number of signals")
    nsig = int(record_line[1])
    if nsig > WFDB_MAX_SIGNALS:
        raise DigestError(f"{header_path}: more than {WFDB_MAX_SIGNALS} signals")
    signal_lines = lines[1:]
    if len(signal_lines) != nsig:
        raise DigestError(f"{header_path}: {nsig} signals declared, {len(signal_lines)} signal lines")
    files = []
    for tokens in signal_lines:
        fname = tokens[0]
        if fname == b"-":
            raise DigestError(f"{header_path}: a signal read from standard input ('-') is not supported")
        if b"/" in fname or b"\\" in fname or b".." in fname:
            raise DigestError(f"{header_path}: a signal file name outside the record's folder")
        if len(fname) > WFDB_MAX_NAME:
            raise DigestError(f"{header_path}: a signal file name longer than {WFDB_MAX_NAME} bytes")
        if fname not in files:
            files.append(fname)
    if header_path != path and os.path.basename(path).encode() not in files:
        raise DigestError(f"{path}: not a signal file of record {record}")
    return header_path, header, record, files


def wfdb_digest(path):
    header_path, header, _record, files = wfdb_record(path)
    folder = os.path.dirname(header_path)
    h = hashlib.sha256()
    h.update(b"veridicor:wfdb-record-v1\x00")
    h.update(u64be(len(header)))
    h.update(header)
    for fname in files:
        fpath = os.path.join(folder, os.fsdecode(fname))
        if not os.path.isfile(fpath):
            raise DigestError(f"{fpath}: signal file missing")
        size = os.path.getsize(fpath)
        h.update(u64be(len(fname)))
        h.update(fname)
        h.update(u64be(size))
        read = 0
        with open(fpath, "rb") as f:
            while True:
                block = f.read(1 << 20)
                if not block:
                    break
                read += len(block)
                h.update(block)
        if read != size:
            raise DigestError(f"{fpath}: changed size while read")
    return h.hexdigest()


# --------------------------------------------------------------------------------------------------------
# DICOM: v1 bytes and R2.1 attributes, read with pydicom.

BINARY_WIDTH = {"US": 2, "SS": 2, "UL": 4, "SL": 4, "FL": 4, "FD": 8, "OB": 1, "OW": 2, "AT": 2,
                # not named by R2.1, none is in its lists; kept binary for completeness
                "OF": 4, "OD": 8, "OL": 4, "OV": 8, "SV": 8, "UV": 8}
STRING_VRS = {"AE", "AS", "CS", "DA", "DS", "DT", "IS", "LO", "LT", "PN", "SH", "ST", "TM", "UC", "UI",
              "UR", "UT"}

# R2.1's lists. A tuple (tag, None) is a plain attribute; (tag, [...]) a sequence whose items each list [...].
COMMON = [(0x00080016, None), (0x00080018, None), (0x00080060, None), (0x0020000D, None), (0x0020000E, None),
          (0x00100020, None), (0x00100021, None)]
CODE = [(0x00080100, None), (0x00080102, None)]
CHANNEL = [(0x003A0203, None), (0x003A0208, CODE), (0x003A0209, CODE), (0x003A0210, None),
           (0x003A0211, [(0x00080100, None)]), (0x003A0212, None), (0x003A0213, None), (0x003A0214, None),
           (0x003A0215, None), (0x003A0218, None), (0x003A021A, None), (0x003A0220, None), (0x003A0221, None),
           (0x003A0222, None), (0x003A0223, None)]
WAVEFORM_ITEM = [(0x00181068, None), (0x00181069, None), (0x003A0005, None), (0x003A0010, None),
                 (0x003A001A, None), (0x54001004, None), (0x54001006, None), (0x5400100A, None),
                 (0x003A0200, CHANNEL)]
WAVEFORM_V2 = COMMON + [(0x54000100, WAVEFORM_ITEM)]
TRANSFER_SYNTAX = 0x00020010
REGION = [(t, None) for t in (0x00186012, 0x00186014, 0x00186016, 0x00186018, 0x0018601A, 0x0018601C,
                              0x0018601E, 0x00186020, 0x00186022, 0x00186024, 0x00186026, 0x00186028,
                              0x0018602A, 0x0018602C, 0x0018602E, 0x00186030, 0x00186032)]
PIXEL_V2 = COMMON + [(TRANSFER_SYNTAX, None)] + [
    (t, None) for t in (0x00280002, 0x00280004, 0x00280006, 0x00280008, 0x00280009, 0x00280010, 0x00280011,
                        0x00280030, 0x00280100, 0x00280101, 0x00280102, 0x00280103, 0x00281050, 0x00281051,
                        0x00281052, 0x00281053, 0x00281101, 0x00281102, 0x00281103, 0x00281201, 0x00281202,
                        0x00281203, 0x00281221, 0x00281222, 0x00281223, 0x00180040, 0x00181063, 0x00181065,
                        0x00181242)] + [(0x00186011, REGION)]

WAVEFORM_SEQUENCE = 0x54000100
WAVEFORM_DATA = 0x54001010
PIXEL_DATA = 0x7FE00010


def tag_text(tag):
    return f"{tag >> 16:04X},{tag & 0xFFFF:04X}"


def load_dicom(path):
    try:
        import pydicom
    except ImportError as e:
        raise DigestError("pydicom is not installed (Debian package python3-pydicom)") from e
    try:
        # defer_size=None: every value is read now, so raw values never need the file again. pydicom's
        # warnings (e.g. a misspelt Specific Character Set) concern decoding, which nothing here does.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return pydicom.dcmread(path, defer_size=None, force=False)
    except Exception as e:  # pydicom raises many types; any of them means "not a DICOM file we can read"
        raise DigestError(f"{path}: pydicom cannot read it: {e}") from e


def file_meta_transfer_syntax(path):
    """The raw value of (0002,0010), read from the file meta group ourselves (always explicit VR little
    endian, PS3.10 §7.1): pydicom converts that element to a str when it reads the file."""
    with open(path, "rb") as f:
        head = f.read(1 << 16)
    if head[128:132] != b"DICM":
        return None
    at = 132
    while at + 8 <= len(head):
        group, elem = struct.unpack_from("<HH", head, at)
        if group != 0x0002:
            break
        vr = head[at + 4:at + 6].decode("latin-1")
        if vr in ("OB", "OW", "OF", "SQ", "UT", "UN", "UC", "UR", "OD", "OL", "OV", "SV", "UV"):
            (length,) = struct.unpack_from("<I", head, at + 8)
            value_at = at + 12
        else:
            (length,) = struct.unpack_from("<H", head, at + 6)
            value_at = at + 8
        if (group << 16 | elem) == TRANSFER_SYNTAX:
            return ("UI", head[value_at:value_at + length])
        at = value_at + length
    return None


def dictionary_vr(tag):
    from pydicom.datadict import dictionary_VR
    try:
        return dictionary_VR(tag)
    except KeyError:
        return "UN"


def to_little_endian(value, width, little_endian):
    if little_endian or width == 1:
        return value
    if len(value) % width:
        raise DigestError(f"a big endian value of {len(value)} bytes is not a whole number of {width}-byte words")
    fmt = {2: "H", 4: "I", 8: "Q"}[width]
    n = len(value) // width
    return struct.pack(f"<{n}{fmt}", *struct.unpack(f">{n}{fmt}", value))


def strip_padding(value, vr):
    """DICOM's padding removed: trailing spaces; for UI trailing NULs (and spaces) too."""
    return value.rstrip(b" \x00") if vr == "UI" else value.rstrip(b" ")


def raw_value(elem):
    """The attribute's value bytes as R2.1 defines them (binary little endian, strings as stored, unpadded)."""
    from pydicom.dataelem import RawDataElement
    if isinstance(elem, RawDataElement):
        vr = elem.VR
        if vr is None or vr == "UN":
            vr = dictionary_vr(elem.tag)
        value = elem.value if elem.value is not None else b""
        little_endian = elem.is_little_endian
    else:
        # pydicom converts empty raw values when they are fetched; a converted element with a value means
        # something read it before us, and its stored bytes are gone.
        if not elem.is_empty:
            raise DigestError(f"({tag_text(elem.tag)}) was converted by pydicom; its stored bytes are lost")
        return b""
    vr = vr.split(" or ")[0]
    if vr in BINARY_WIDTH:
        return to_little_endian(value, BINARY_WIDTH[vr], little_endian)
    if vr in STRING_VRS:
        return strip_padding(value, vr)
    if vr == "UN":
        # An unknown (private or unlisted) tag: not in R2.1's lists; taken as stored.
        return value
    raise DigestError(f"({tag_text(elem.tag)}) has VR {vr}, neither binary nor a string")


def encode_list(dataset, attributes, prefix, paths, explain, meta_ts=None):
    """The encodings of `attributes` in `dataset`, concatenated; each one's SHA-256 recorded in `paths` (a
    sequence before its items' attributes) and, for people, its value in `explain`."""
    out = b""
    for tag, nested in attributes:
        path = prefix + tag_text(tag)
        paths[path] = None  # keeps the map in encoding order: filled below
        head = struct.pack(">HH", tag >> 16, tag & 0xFFFF)
        value = None
        if tag == TRANSFER_SYNTAX:
            # From the file meta, which pydicom keeps apart from the dataset.
            if meta_ts is None:
                enc = head + b"\x00"
            else:
                value = strip_padding(meta_ts[1], "UI")
                enc = head + b"\x01" + u64be(len(value)) + value
        elif nested is None:
            elem = dataset.get_item(tag)
            if elem is None:
                enc = head + b"\x00"
            else:
                if getattr(elem, "VR", None) == "SQ":
                    raise DigestError(f"{path} is a sequence; R2.1 lists it as a plain attribute")
                value = raw_value(elem)
                enc = head + b"\x01" + u64be(len(value)) + value
        else:
            if tag not in dataset:
                enc = head + b"\x00"
            else:
                elem = dataset[tag]  # converts a sequence into its items (whose elements stay raw)
                if elem.VR != "SQ":
                    raise DigestError(f"{path} is not a sequence")
                items = list(elem.value) if elem.value else []
                explain.append((path, f"sequence of {len(items)} items"))
                enc = head + b"\x01" + u64be(len(items))
                for index, item in enumerate(items):
                    enc += u64be(index) + encode_list(item, nested, f"{path}[{index}]/", paths, explain)
        if nested is None or enc[4] == 0:
            explain.append((path, "absent" if enc[4] == 0 else f"{len(value)} bytes {value[:48]!r}"))
        paths[path] = hashlib.sha256(enc).hexdigest()
        out += enc
    return out


def waveform_v1_bytes(ds):
    if WAVEFORM_SEQUENCE not in ds:
        raise DigestError("no Waveform Sequence (5400,0100)")
    seq = ds[WAVEFORM_SEQUENCE].value
    if not seq:
        raise DigestError("an empty Waveform Sequence (5400,0100)")
    data = b""
    for index, item in enumerate(seq):
        elem = item.get_item(WAVEFORM_DATA)
        if elem is None:
            raise DigestError(f"Waveform Sequence item {index} has no Waveform Data (5400,1010)")
        data += raw_value(elem)
    return data


def encapsulated_fragments(value):
    """The fragments after the Basic Offset Table of an encapsulated value (PS3.5 §A.4), without headers."""
    at, items = 0, []
    while at + 8 <= len(value):
        group, elem, length = struct.unpack_from("<HHI", value, at)
        if (group, elem) == (0xFFFE, 0xE0DD):
            break
        if (group, elem) != (0xFFFE, 0xE000) or length == 0xFFFFFFFF or at + 8 + length > len(value):
            raise DigestError(f"encapsulated Pixel Data: a malformed item at byte {at}")
        items.append(value[at + 8:at + 8 + length])
        at += 8 + length
    if not items:
        raise DigestError("encapsulated Pixel Data without its Basic Offset Table item")
    return b"".join(items[1:])


def pixeldata_v1_bytes(ds):
    elem = ds.get_item(PIXEL_DATA)
    if elem is None:
        raise DigestError("no Pixel Data (7FE0,0010)")
    from pydicom.dataelem import RawDataElement
    if not isinstance(elem, RawDataElement):
        raise DigestError("Pixel Data was converted by pydicom")
    if elem.length == 0xFFFFFFFF:
        return encapsulated_fragments(elem.value)
    return raw_value(elem)


def dicom_digest(path, method, explain):
    try:
        return dicom_digest_of(load_dicom(path), path, method, explain)
    except DigestError as e:
        raise DigestError(str(e) if str(e).startswith(path) else f"{path}: {e}") from e


def dicom_digest_of(ds, path, method, explain):
    paths = {}
    if method.startswith("dicom-waveform"):
        data = waveform_v1_bytes(ds)
        attributes = WAVEFORM_V2
    else:
        data = pixeldata_v1_bytes(ds)
        attributes = PIXEL_V2
    if method.endswith("-v1"):
        return hashlib.sha256(data).hexdigest(), paths
    h = hashlib.sha256()
    h.update(b"veridicor:" + method.encode() + b"\x00")
    h.update(encode_list(ds, attributes, "", paths, explain, file_meta_transfer_syntax(path)))
    h.update(u64be(len(data)))
    h.update(data)
    return h.hexdigest(), paths


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--method", required=True, choices=METHODS)
    parser.add_argument("--attributes", action="store_true",
                        help="also print {attribute path: SHA-256 of its encoding} as JSON")
    parser.add_argument("--explain", action="store_true",
                        help="also print, for people, each attribute's path and the value hashed")
    parser.add_argument("file")
    args = parser.parse_args(argv)
    try:
        if not os.path.isfile(args.file):
            raise DigestError(f"{args.file}: not a readable file")
        paths, explain = {}, []
        if args.method == "file-v1":
            digest = file_digest(args.file)
        elif args.method == "wfdb-record-v1":
            digest = wfdb_digest(args.file)
        else:
            digest, paths = dicom_digest(args.file, args.method, explain)
    except (DigestError, OSError) as e:
        print(f"reference_digest: {e}", file=sys.stderr)
        return 2
    print(digest)
    if args.attributes:
        print(json.dumps(paths, indent=1))
    for path, text in explain if args.explain else []:
        print(f"{path:32} {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
