#!/usr/bin/env python3
"""Charts of the benchmark tables, as SVG files (python3 standard library only).

    python3 bench/plot.py [TABLES.md] [--out DIR]

Reads the markdown that `make bench` prints (default
build/bench/results-latest.md; bench/RESULTS.md works too, so the charts can
be redrawn from the recorded tables) and writes into DIR (default bench/,
beside RESULTS.md):

  chart-regions.svg      mmap, fault and munmap cost against the number of
                         regions, red-black tree vs list (log-log)
  chart-fork.svg         fork cost against heap size (sysbench), and fork of
                         4 MiB copied eagerly vs shared copy-on-write (mmbench)
  chart-mmap-length.svg  mmap and munmap cost against mapping length
  chart-msync.svg        disk blocks msync writes against dirty pages, and
                         write() of the same pages
  chart-kmalloc.svg      kmalloc+kmfree instructions per pair by workload,
                         buddy vs K&R (host, callgrind)

A chart whose table is missing from the input is skipped (with a note). The
files are generated: change this script, not the SVGs.
"""

import argparse
import math
import os
import re
import sys

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)

# ---- reading the tables -------------------------------------------------------------


def sections(text):
    """{heading text: [table rows as lists of cells]} for every '### ' heading
    followed (before the next heading) by a markdown table; the first table."""
    found = {}
    heading, rows = None, None
    for line in text.splitlines():
        if line.startswith("#"):
            heading, rows = line.lstrip("#").strip(), None
            continue
        if heading is None:
            continue
        stripped = line.strip()
        if stripped.startswith("|"):
            cells = [c.strip() for c in stripped.strip("|").split("|")]
            if rows is None:
                if heading in found:           # only a heading's first table
                    continue
                rows = found[heading] = []
            if all(re.fullmatch(r":?-+:?", c) for c in cells):
                continue                       # the rule under the header
            rows.append(cells)
        elif rows is not None and stripped:
            rows = None
            heading = None
    return found


def table_under(tables, prefix):
    """The table whose heading starts with prefix, as a list of dicts keyed by
    the header cells; None when there is none."""
    for heading, rows in tables.items():
        if heading.startswith(prefix) and len(rows) > 1:
            return [dict(zip(rows[0], r)) for r in rows[1:]]
    return None


def number(cell):
    """First number in a cell: '2,537 (4,647)' -> 2537.0; None if there is none."""
    m = re.search(r"-?[\d,]*\.?\d+", cell or "")
    if not m:
        return None
    return float(m.group(0).replace(",", ""))


def kmalloc_pairs(text):
    """{workload: {"K&R": median, "buddy": median}} from the kmalloc benchmark's
    'instructions per pair' block (plain text, fenced or not)."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if re.match(r"\s*workload\s*\|\s*K&R", line):
            out = {}
            for row in lines[i + 1:]:
                parts = [p.split() for p in row.split("|")]
                if len(parts) != 3 or len(parts[0]) != 1 or len(parts[1]) != 5:
                    break
                # columns per allocator: pairs, mean, median, p99, worst
                out[parts[0][0]] = {"K&R": float(parts[1][2]), "buddy": float(parts[2][2])}
            return out or None
    return None


# ---- drawing ----------------------------------------------------------------------------

WIDTH, HEIGHT = 720, 420
LEFT, RIGHT, TOP, BOTTOM = 84, 200, 48, 58       # plot-area margins
COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
           "#17becf", "#7f7f7f"]
DASHES = ["", "6,4", "2,3", "8,3,2,3"]


def esc(text):
    return (str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def fmt(v):
    """Tick labels: 1.5k, 2M, 300."""
    for div, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(v) >= div:
            s = f"{v / div:.1f}".rstrip("0").rstrip(".")
            return s + suffix
    return f"{v:g}"


class Axis:
    """Maps data values to pixels; linear or log10."""

    def __init__(self, lo, hi, start, end, log=False, ticks=None, tight=False):
        self.log = log
        if tight:
            pass                               # exactly the data's range
        elif log:
            lo = 10 ** math.floor(math.log10(lo))
            hi = 10 ** math.ceil(math.log10(hi))
        else:
            lo, hi, step = nice_range(lo, hi)
        self.lo, self.hi, self.start, self.end = lo, hi, start, end
        if ticks is not None:
            self.ticks = ticks
        elif log:
            self.ticks = [10 ** e for e in range(round(math.log10(lo)),
                                                 round(math.log10(hi)) + 1)]
        else:
            n = round((hi - lo) / step)
            self.ticks = [lo + i * step for i in range(n + 1)]

    def __call__(self, v):
        if self.log:
            f = (math.log10(v) - math.log10(self.lo)) / (math.log10(self.hi) - math.log10(self.lo))
        else:
            f = (v - self.lo) / (self.hi - self.lo)
        return self.start + f * (self.end - self.start)


def nice_range(lo, hi):
    """Round [lo, hi] out to multiples of a 1-2-5 step, about 5 steps; lo >= 0 stays."""
    lo = min(lo, 0) if lo >= 0 else lo
    span = (hi - lo) or 1
    raw = span / 5
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    return math.floor(lo / step) * step, math.ceil(hi / step) * step, step


class Svg:
    def __init__(self, title, subtitle=""):
        self.parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
            f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="DejaVu Sans, Helvetica, Arial, '
            f'sans-serif" font-size="12">',
            f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
            f'<text x="{WIDTH / 2 - RIGHT / 2 + LEFT / 2}" y="20" text-anchor="middle" '
            f'font-size="15" font-weight="bold">{esc(title)}</text>',
        ]
        if subtitle:
            self.parts.append(f'<text x="{WIDTH / 2 - RIGHT / 2 + LEFT / 2}" y="36" '
                              f'text-anchor="middle" fill="#555">{esc(subtitle)}</text>')
        self.x0, self.x1 = LEFT, WIDTH - RIGHT
        self.y0, self.y1 = HEIGHT - BOTTOM, TOP

    def add(self, text):
        self.parts.append(text)

    def axes(self, xaxis, yaxis, xlabel, ylabel, xlabels=None):
        """Grid, tick labels and axis titles. xlabels: {value: text} overrides."""
        for t in yaxis.ticks:
            y = yaxis(t)
            self.add(f'<line x1="{self.x0}" y1="{y:.1f}" x2="{self.x1}" y2="{y:.1f}" '
                     f'stroke="#ddd"/>')
            self.add(f'<text x="{self.x0 - 6}" y="{y + 4:.1f}" text-anchor="end">{fmt(t)}</text>')
        if xaxis is not None:
            for t in xaxis.ticks:
                x = xaxis(t)
                self.add(f'<line x1="{x:.1f}" y1="{self.y0}" x2="{x:.1f}" y2="{self.y1}" '
                         f'stroke="#eee"/>')
                label = (xlabels or {}).get(t, fmt(t))
                self.add(f'<text x="{x:.1f}" y="{self.y0 + 16}" text-anchor="middle">'
                         f'{esc(label)}</text>')
        self.add(f'<rect x="{self.x0}" y="{self.y1}" width="{self.x1 - self.x0}" '
                 f'height="{self.y0 - self.y1}" fill="none" stroke="#333"/>')
        self.add(f'<text x="{(self.x0 + self.x1) / 2}" y="{HEIGHT - 14}" '
                 f'text-anchor="middle">{esc(xlabel)}</text>')
        cy = (self.y0 + self.y1) / 2
        self.add(f'<text x="16" y="{cy}" text-anchor="middle" '
                 f'transform="rotate(-90 16 {cy})">{esc(ylabel)}</text>')

    def legend(self, entries):
        """entries: [(label, colour, dash, marker?)] down the right margin."""
        x = self.x1 + 14
        y = self.y1 + 8
        for label, colour, dash, kind in entries:
            if kind == "bar":
                self.add(f'<rect x="{x}" y="{y - 6}" width="22" height="10" fill="{colour}"/>')
            else:
                d = f' stroke-dasharray="{dash}"' if dash else ""
                self.add(f'<line x1="{x}" y1="{y}" x2="{x + 22}" y2="{y}" stroke="{colour}" '
                         f'stroke-width="2"{d}/>')
                self.add(f'<circle cx="{x + 11}" cy="{y}" r="3" fill="{colour}"/>')
            lines = wrap(label, 22)
            for i, part in enumerate(lines):
                self.add(f'<text x="{x + 28}" y="{y + 4 + 14 * i}">{esc(part)}</text>')
            y += 14 * len(lines) + 8

    def text(self):
        return "\n".join(self.parts + ["</svg>"]) + "\n"


def wrap(text, width):
    words, lines, line = text.split(), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    return lines + [line] if line else lines


def line_chart(title, subtitle, xlabel, ylabel, series, xlog=False, ylog=False,
               xticks=None, xlabels=None, ymin=None):
    """series: [(label, [(x, y), ...]) or (label, points, colour, dash)], colour
    and dash being indexes into COLOURS and DASHES; points with y None are
    left out."""
    xs = [x for item in series for x, y in item[1] if y is not None]
    ys = [y for item in series for x, y in item[1] if y is not None]
    svg = Svg(title, subtitle)
    # With given ticks the x axis spans exactly the ticks and the data.
    tight = xticks is not None
    xaxis = Axis(min(xs + (xticks or [])), max(xs + (xticks or [])), svg.x0 + 10,
                 svg.x1 - 10, xlog, xticks, tight)
    low = min(ys) if ymin is None else min(ymin, min(ys))
    yaxis = Axis(low, max(ys), svg.y0, svg.y1 + 4, ylog)
    svg.axes(xaxis, yaxis, xlabel, ylabel, xlabels)
    legend = []
    for i, item in enumerate(series):
        label, pts = item[0], item[1]
        c, k = item[2:] if len(item) == 4 else (i, 0)
        colour, dash = COLOURS[c % len(COLOURS)], DASHES[k % len(DASHES)]
        pts = [(x, y) for x, y in pts if y is not None]
        path = " ".join(f"{xaxis(x):.1f},{yaxis(y):.1f}" for x, y in pts)
        d = f' stroke-dasharray="{dash}"' if dash else ""
        svg.add(f'<polyline points="{path}" fill="none" stroke="{colour}" '
                f'stroke-width="2"{d}/>')
        for x, y in pts:
            svg.add(f'<circle cx="{xaxis(x):.1f}" cy="{yaxis(y):.1f}" r="3" fill="{colour}">'
                    f'<title>{esc(label)}: {fmt(x)}, {y:,.0f}</title></circle>')
        legend.append((label, colour, dash, "line"))
    svg.legend(legend)
    return svg.text()


def bar_chart(title, subtitle, ylabel, groups, names, ylog=False, values=True):
    """groups: [(group label, {series name: value})]; names: series in order."""
    ys = [v for _, d in groups for v in d.values()]
    svg = Svg(title, subtitle)
    yaxis = Axis(min(ys) if ylog else 0, max(ys), svg.y0, svg.y1 + 4, ylog)
    svg.axes(None, yaxis, "workload", ylabel)
    slot = (svg.x1 - svg.x0) / len(groups)
    bar = slot * 0.8 / len(names)
    base = yaxis(yaxis.lo)
    for g, (label, d) in enumerate(groups):
        left = svg.x0 + g * slot + slot * 0.1
        for i, name in enumerate(names):
            v = d[name]
            x, y = left + i * bar, yaxis(v)
            svg.add(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar - 2:.1f}" '
                    f'height="{base - y:.1f}" fill="{COLOURS[i]}"><title>{esc(name)}, '
                    f'{esc(label)}: {v:,.0f}</title></rect>')
            if values:
                svg.add(f'<text x="{x + (bar - 2) / 2:.1f}" y="{y - 3:.1f}" '
                        f'text-anchor="middle" font-size="10">{fmt(v)}</text>')
        svg.add(f'<text x="{svg.x0 + (g + 0.5) * slot:.1f}" y="{svg.y0 + 16}" '
                f'text-anchor="middle">{esc(label)}</text>')
    svg.legend([(n, COLOURS[i], "", "bar") for i, n in enumerate(names)])
    return svg.text()


# ---- the charts ---------------------------------------------------------------------------

def chart_regions(tables, text):
    rows = table_under(tables, "Cost against the number of regions")
    if not rows:
        return None
    xs = [number(r["regions"]) for r in rows]
    # One colour per operation; the tree solid, the list dashed.
    series = []
    for k, kind in enumerate(("tree", "list")):
        for c, op in enumerate(("mmap", "fault", "munmap")):
            series.append((f"{kind} {op}", [(x, number(r[f"{kind} {op}"]))
                                            for x, r in zip(xs, rows)], c, k))
    return line_chart("Cost against the number of regions",
                      "red-black tree (solid) vs list baseline (dashed); median of 31",
                      "regions in the address space (log scale)",
                      "guest instructions (log scale)", series, xlog=True, ylog=True,
                      xticks=xs, xlabels={x: f"{x:,.0f}" for x in xs})


def chart_fork(tables, text):
    sysb = table_under(tables, "sysbench")
    mm = table_under(tables, "fork of a process with 4 MiB")
    series = []
    if sysb:
        pts = []
        for r in sysb:
            m = re.search(r"`fork(\d)`", r["operation"])
            if m:
                pts.append((int(m.group(1)), number(r["median"])))
        if pts:
            series.append(("fork + exit + wait, touched sbrk heap (sysbench)", sorted(pts)))
    if mm:
        by = {r["mode"]: r for r in mm}
        if all(k in by for k in ("none", "eager", "cow")):
            key = "fork() in the parent"
            series.append(("fork() alone, sbrk heap copied eagerly (mmbench)",
                           [(0, number(by["none"][key])), (4, number(by["eager"][key]))]))
            series.append(("fork() alone, private mmap shared copy-on-write (mmbench)",
                           [(0, number(by["none"][key])), (4, number(by["cow"][key]))]))
    if not series:
        return None
    return line_chart("Cost of fork against heap size",
                      "median guest instructions, CPUS=1, -icount shift=0",
                      "touched memory in the forking process (MiB)",
                      "guest instructions", series, xticks=[0, 1, 2, 3, 4])


def chart_mmap_length(tables, text):
    rows = table_under(tables, "mmap + munmap of an untouched")
    if not rows:
        return None
    xs = [number(r["pages"]) for r in rows]
    series = [(name, [(x, number(r[col])) for x, r in zip(xs, rows)])
              for name, col in (("mmap", "mmap"), ("munmap", "munmap"),
                                ("mmap + munmap", "mmap+munmap"))]
    ticks = [x for x in xs if math.log2(x) % 2 == 0]
    return line_chart("mmap and munmap against mapping length",
                      "untouched private anonymous mapping; median of 15",
                      "pages mapped (log scale)", "guest instructions", series,
                      xlog=True, xticks=ticks, xlabels={x: f"{x:,.0f}" for x in ticks})


def chart_msync(tables, text):
    rows = table_under(tables, "msync of a 16-page")
    if not rows:
        return None
    msync, write = [], []
    for r in rows:
        op = r["operation"]
        m = re.match(r"msync, (\d+) of 16 pages dirty", op)
        if m:
            msync.append((int(m.group(1)), number(r["blocks written"])))
        m = re.match(r"write\(\) of the same (\d+) pages", op)
        if m:
            write.append((int(m.group(1)), number(r["blocks written"])))
    series = [("msync of the dirty pages", msync)]
    if write:
        series.append(("write() of the same pages, 4 KiB each", write))
    return line_chart("Disk blocks written against dirty pages",
                      "16-page MAP_SHARED file; 512-byte sectors per command (QEMU trace)",
                      "dirty pages (of 16)", "blocks written", series,
                      xticks=[0, 2, 4, 6, 8, 10, 12, 14, 16])


def chart_kmalloc(tables, text):
    pairs = kmalloc_pairs(text)
    if not pairs:
        return None
    groups = [(w, pairs[w]) for w in pairs]
    return bar_chart("kmalloc + kmfree: instructions per pair",
                     "median per workload, host x86-64 build counted by callgrind (log scale)",
                     "host instructions per pair (log scale)", groups, ["K&R", "buddy"],
                     ylog=True)


CHARTS = [
    ("chart-regions.svg", chart_regions),
    ("chart-fork.svg", chart_fork),
    ("chart-mmap-length.svg", chart_mmap_length),
    ("chart-msync.svg", chart_msync),
    ("chart-kmalloc.svg", chart_kmalloc),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("tables", nargs="?",
                        default=os.path.join(ROOT, "build", "bench", "results-latest.md"))
    parser.add_argument("--out", default=BENCH, help="folder for the SVG files")
    options = parser.parse_args()
    with open(options.tables) as f:
        text = f.read()
    tables = sections(text)
    os.makedirs(options.out, exist_ok=True)
    written = 0
    for name, draw in CHARTS:
        svg = draw(tables, text)
        path = os.path.join(options.out, name)
        if svg is None:
            print(f"[plot] {name}: its table is not in {options.tables}; skipped",
                  file=sys.stderr)
            continue
        with open(path, "w") as f:
            f.write(svg)
        written += 1
        print(f"[plot] wrote {os.path.relpath(path)}", file=sys.stderr)
    return 0 if written else 1


if __name__ == "__main__":
    sys.exit(main())
