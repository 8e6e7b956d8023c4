"""What writing in the reader's language costs: dates through CLDR, messages from the catalogue.

Every date a page or an email shows goes through Babel's CLDR data
(:func:`workflows.zones.spoken`), and every label and refusal through the gettext catalogue
(:mod:`config.messages`) in the current language. This measures, in the same run and
interleaved over rounds (medians):

* **dates**: ``spoken(at, tz, short=True)`` (a table's "5 Mar 2026 23.59 WITA") and the full
  form of letters ("Kamis, 5 Maret 2026 pukul 23.59 WITA"), beside the raw baseline the
  pages used before: ``at.astimezone(zone).strftime(...)`` plus a month-name lookup
  (target: each date within 10x of the baseline; the CLDR patterns are parsed once);
* **messages**: ``str(Message(key, **params))`` with a definition label among its parameters
  (the refusal a page shows, one or two per request), beside ``str.format`` on the same text
  (target: within 20x: a catalogue lookup in the current language and the label written out);
* **labels**: ``str(label)`` of a definition's per-language text beside reading a plain
  attribute (target: within 20x: a function call and a context-variable read, well under a
  microsecond);
* **catalogue load**: reading every catalogue of one language once, from the compiled
  ``.mo`` files ``make`` writes (target: under 100 ms, paid once per process, by every
  command), beside parsing the ``.po`` texts with Babel (what an edited file costs until it is
  compiled again).

    .venv/bin/python bench/language.py [--n 20000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from config import language, messages
from config.messages import Message
from engine import Text
from workflows.zones import spoken

MONTHS = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]


def _per_call(fn, n: int) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    for i in range(n):
        fn(i)
    return (time.perf_counter() - start) / n * 1e6  # µs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    messages.compile_all()
    from babel.messages.pofile import read_po

    start = time.perf_counter()
    count = len(messages.texts("id"))
    load_s = time.perf_counter() - start
    start = time.perf_counter()
    for path in messages.catalogue_files("id"):
        with path.open("rb") as handle:
            read_po(handle, locale="id")
    parse_s = time.perf_counter() - start
    messages.texts("en")

    base = datetime(2026, 3, 5, 15, 59, tzinfo=UTC)
    moments = [base + timedelta(hours=7 * i) for i in range(1000)]
    wita = ZoneInfo("Asia/Makassar")
    label = Text(id="Tutup bimtek I", en="Close bimtek I")
    plain = label.id
    template = messages.text("engine.comment_required", "id")

    def raw_date(i: int) -> str:
        shown = moments[i % 1000].astimezone(wita)
        return f"{shown.day} {MONTHS[shown.month - 1]} {shown.year} {shown:%H:%M} WITA"

    def short_date(i: int) -> str:
        return spoken(moments[i % 1000], "Asia/Makassar", short=True)

    def full_date(i: int) -> str:
        return spoken(moments[i % 1000], "Asia/Makassar")

    def raw_message(i: int) -> str:
        return template.format(action=plain)

    def message(i: int) -> str:
        return str(Message("engine.comment_required", action=label))

    def raw_label(i: int) -> str:
        return plain

    def text_label(i: int) -> str:
        return str(label)

    cases = {"raw date": raw_date, "date (table)": short_date, "date (letter)": full_date,
             "raw format": raw_message, "message": message, "raw attribute": raw_label,
             "label": text_label}
    results: dict[str, list[float]] = {name: [] for name in cases}
    with language.using("id"):
        for fn in cases.values():
            fn(0)  # warm Babel's caches
        for _ in range(args.rounds):
            for name, fn in cases.items():
                results[name].append(_per_call(fn, args.n))
    med = {name: statistics.median(values) for name, values in results.items()}

    print(f"catalogue: {count} messages per language, loaded compiled in "
          f"{load_s * 1000:.0f} ms (target < 100 ms) {'PASS' if load_s < 0.1 else 'FAIL'}; "
          f"parsed from the .po texts: {parse_s * 1000:.0f} ms")
    checks = [("date (table)", "raw date", 10, None), ("date (letter)", "raw date", 10, None),
              ("message", "raw format", 20, None), ("label", "raw attribute", 20, None)]
    for name, baseline, ratio_target, ceiling in checks:
        ratio = med[name] / med[baseline]
        ok = ratio <= ratio_target and (ceiling is None or med[name] <= ceiling)
        limit = f" and < {ceiling} µs" if ceiling else ""
        print(f"{name:14} {med[name]:8.2f} µs   {baseline:14} {med[baseline]:6.2f} µs   "
              f"{ratio:5.1f}x (target <= {ratio_target}x{limit}) {'PASS' if ok else 'FAIL'}")
    print(f"a page of 500 dates in tables: {med['date (table)'] * 500 / 1000:.1f} ms")


if __name__ == "__main__":
    main()
