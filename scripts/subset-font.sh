#!/bin/bash
# Rebuilds src/wire/fonts/kessai-sans-jp-regular.otf, the font the settlement PDF embeds: Noto Sans
# JP Regular (SIL OFL 1.1, src/wire/fonts/OFL.txt) cut down to what a Japanese merchant's name and
# a settlement use — ASCII, JIS X 0208 (kana, both levels of kanji, full-width forms) and
# half-width katakana — 2 MB instead of the 4.5 MB font, or the 27 MB package of all its weights.
# The OFL reserves the name "Noto Sans" for the unmodified font, so the subset is named Kessai Sans JP.
#
#   apt-get install python3-fonttools && bash scripts/subset-font.sh path/to/NotoSansJP-Regular.otf
set -euo pipefail
source_font=${1:?usage: subset-font.sh NotoSansJP-Regular.otf}
chars=$(mktemp)
/usr/bin/python3 - "$chars" <<'PY'
import sys
chars = {chr(c) for c in range(0x20, 0x7F)} | {chr(c) for c in range(0xFF61, 0xFFA0)} | set('¥￥…‐–—')
for first in range(0xA1, 0xFF):
    for second in range(0xA1, 0xFF):
        try:
            chars.add(bytes([first, second]).decode('euc_jp'))
        except UnicodeDecodeError:
            pass
open(sys.argv[1], 'w').write(''.join(sorted(chars)))
PY
target="$(dirname "$0")/../src/wire/fonts/kessai-sans-jp-regular.otf"
/usr/bin/python3 -m fontTools.subset "$source_font" --text-file="$chars" --layout-features='*' --no-hinting --output-file="$target"
rm -f "$chars"
/usr/bin/python3 - "$target" <<'PY'
import sys
from fontTools.ttLib import TTFont
font = TTFont(sys.argv[1])
rename = lambda text: text.replace('Noto Sans JP', 'Kessai Sans JP').replace('NotoSansJP', 'KessaiSansJP').replace('Noto Sans', 'Kessai Sans')
for record in font['name'].names:
    if record.nameID in (1, 3, 4, 6, 16, 17, 21, 22):
        record.string = rename(record.toUnicode())
cff = font['CFF '].cff
cff.fontNames = [rename(name) for name in cff.fontNames]
for key in ('FullName', 'FamilyName'):
    if getattr(cff.topDictIndex[0], key, None):
        setattr(cff.topDictIndex[0], key, rename(getattr(cff.topDictIndex[0], key)))
font.save(sys.argv[1])
PY
