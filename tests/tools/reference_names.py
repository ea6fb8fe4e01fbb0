#!/usr/bin/python3
"""Patient names as pydicom decodes them: ground truth for the DICOM text layer (dicom/include/veridicor/dicom/text.h).

It shares no code with the workstation and reads DICOM with pydicom (Debian python3-pydicom), not DCMTK: pydicom
decodes the bytes with Python's codecs, so a name the workstation shows must agree with it.

    reference_names.py FILE...

prints one JSON object per line for each FILE:
    {"file": FILE, "value": <pydicom's decoded PatientName, str()>, "display": <the display format of text.h>,
     "where": "dataset" | "<keyword>[0]"}
For a file whose dataset has no PatientName the first PatientName inside a sequence item is used (pydicom's
charset_files chrSQEncoding*.dcm keep it in one); "value" is null when there is none at all.

The display format, as docs/ARCHITECTURE.md ("DICOM text") defines it: each component group as
"Family, Prefix Given Middle, Suffix" (empty components left out with their separators), the alphabetic, ideographic
and phonetic groups joined by " = ", empty groups left out.
"""

import json
import sys
import warnings


def display_group(group):
    parts = [p.strip() for p in group.split("^")]
    parts += [""] * (5 - len(parts))
    family, given, middle, prefix, suffix = parts[:5]
    forenames = " ".join(p for p in (prefix, given, middle) if p)
    return ", ".join(p for p in (family, forenames, suffix) if p)


def display(value):
    names = []
    for one in value.split("\\"):
        groups = [display_group(g) for g in one.split("=")[:3]]
        shown = " = ".join(g for g in groups if g)
        if shown:
            names.append(shown)
    return "; ".join(names)


def find_name(ds):
    if "PatientName" in ds:
        return ds.PatientName, "dataset"
    for elem in ds:
        if elem.VR == "SQ":
            for item in elem.value:
                if "PatientName" in item:
                    return item.PatientName, elem.keyword + "[0]"
    return None, None


def main():
    import pydicom

    warnings.simplefilter("ignore")
    for path in sys.argv[1:]:
        ds = pydicom.dcmread(path)
        name, where = find_name(ds)
        if name is None:
            print(json.dumps({"file": path, "value": None, "display": None, "where": None}, ensure_ascii=False))
            continue
        value = str(name)
        print(json.dumps({"file": path, "value": value, "display": display(value), "where": where},
                         ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
