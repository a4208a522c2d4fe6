#!/usr/bin/env python3
"""Rewrites the linked Compile items of firmware/NfCerts.Device/NfCerts.Device.nfproj from the .cs files
under hal/NfCerts.Hal, firmware/NfCerts.Core and hal/NfCerts.Hal.Nano, so that the device build compiles
exactly the portable sources. DeviceProjectTests fails when they drift; run this to fix it."""
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NFPROJ = os.path.join(ROOT, "firmware", "NfCerts.Device", "NfCerts.Device.nfproj")
GROUPS = [
    ("hal/NfCerts.Hal", "Hal", "<!-- hal/NfCerts.Hal: the HAL contracts. -->"),
    ("firmware/NfCerts.Core", "Core", "<!-- firmware/NfCerts.Core: the device logic. -->"),
    ("hal/NfCerts.Hal.Nano", "Nano", "<!-- hal/NfCerts.Hal.Nano: the nanoFramework implementations of the contracts. -->"),
]


def sources(folder):
    base = os.path.join(ROOT, folder)
    found = []
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = sorted(d for d in dirnames if d not in ("bin", "obj"))
        for name in sorted(filenames):
            if name.endswith(".cs"):
                found.append(os.path.relpath(os.path.join(dirpath, name), base).replace(os.sep, "\\"))
    return sorted(found, key=str.lower)


def main():
    with open(NFPROJ, encoding="utf-8") as f:
        text = f.read()
    for folder, link, comment in GROUPS:
        items = "".join(
            '    <Compile Include="..\\..\\%s\\%s">\n      <Link>%s\\%s</Link>\n    </Compile>\n'
            % (folder.replace("/", "\\"), rel, link, rel)
            for rel in sources(folder))
        pattern = re.compile(re.escape(comment) + r"\s*<ItemGroup>.*?</ItemGroup>", re.S)
        if not pattern.search(text):
            raise SystemExit("marker not found in nfproj: " + comment)
        text = pattern.sub(lambda _: comment + "\n  <ItemGroup>\n" + items + "  </ItemGroup>", text, count=1)
    with open(NFPROJ, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


if __name__ == "__main__":
    main()
