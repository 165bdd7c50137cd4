"""Benchmark claimscope: throughput against a bare spaCy floor, --jobs speed-up, memory, start-up.

One command, run from the repository root (generates benchmarks/corpus/ on first use):

    python benchmarks/run.py            # full run, about 3 minutes on 2 cores
    python benchmarks/run.py --quick    # smoke run, well under a minute

It prints a Markdown table of the figures and the targets, and saves them as JSON in
benchmarks/results/latest.json. Words are whitespace-separated tokens of the input texts.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import make_corpus  # noqa: E402  (a sibling script, not a package)

CORPUS = make_corpus.DEFAULT_OUT
RESULTS = HERE / "results"
CORPUS_DOCUMENTS = 10_000
# Passes of floor and full extraction (interleaved group by group; the median counts) and
# rounds of --jobs 1 and 2 (back to back, in alternating order; the median of the rounds'
# speed-ups counts).
PASSES = 5
ROUNDS = 7

# Runs a command and prints the peak RSS (KiB on Linux) of its process, which no other
# command has touched: RUSAGE_CHILDREN is a maximum over all children ever waited for.
_PEAK_RSS = (
    "import resource, subprocess, sys\n"
    "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)


def corpus_files(corpus: Path) -> list[Path]:
    """The corpus files in order, generating the corpus when it is missing or short."""
    files = sorted(corpus.rglob("*.txt"))
    if len(files) < CORPUS_DOCUMENTS:
        print(f"generating {CORPUS_DOCUMENTS:,} documents in {corpus} ...", file=sys.stderr)
        make_corpus.make_corpus(corpus, CORPUS_DOCUMENTS)
        files = sorted(corpus.rglob("*.txt"))
    return files


def first_words(files: list[Path], target: int) -> tuple[list[Path], int]:
    """The leading files holding at least ``target`` words, and their word count."""
    chosen, words = [], 0
    for path in files:
        chosen.append(path)
        words += len(read_text(path).split())
        if words >= target:
            break
    return chosen, words


def read_text(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


class FloorSlices:
    """The floor: spacy.blank('en') + sentencizer over the texts, timed a slice at a time."""

    def __init__(self, files: list[Path]) -> None:
        import spacy

        from claimscope.extraction import BATCH_SIZE  # the batches claimscope runs

        self.texts = [read_text(path) for path in files]  # read up front: the floor reads none
        self.nlp = spacy.blank("en")
        self.nlp.add_pipe("sentencizer")
        self.batch_size = BATCH_SIZE

    def seconds(self, start: int, end: int) -> float:
        """CPU time of the floor over documents ``start`` to ``end``."""
        started = time.process_time()
        for _ in self.nlp.pipe(self.texts[start:end], batch_size=self.batch_size):
            pass
        return time.process_time() - started

    def close(self) -> dict:
        return {}


class FullSlices:
    """Full extraction as `claimscope extract` runs it (files read, records serialised to
    /dev/null), timed a slice at a time; one writer and one pipeline for the whole pass."""

    def __init__(self, files: list[Path]) -> None:
        from claimscope.extraction import RunStats, freeze_pipeline
        from claimscope.render import make_writer

        started = time.perf_counter()
        freeze_pipeline()  # as `claimscope extract` does
        self.build_s = time.perf_counter() - started
        self.paths = [str(path) for path in files]
        self.stats = RunStats()
        self.sink = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115  (closed in close)
        self.writer = make_writer("jsonl", self.sink)

    def seconds(self, start: int, end: int) -> float:
        """CPU time of extracting documents ``start`` to ``end``."""
        from claimscope.extraction import extract_paths

        started = time.process_time()
        for _ in extract_paths(
            self.paths[start:end],
            stats=self.stats,
            on_document=self.writer.add,
            as_json=self.writer.as_json,
        ):
            pass
        return time.process_time() - started

    def close(self) -> dict:
        self.writer.close()
        self.sink.close()
        return {"build_s": self.build_s, "claims": self.stats.claims}


def serve_slices(kind: str, corpus: Path, documents: int) -> None:
    """A worker process: set up, say so, then time each slice ``START END`` read from stdin,
    one JSON line per slice; at the end of input, a last line with what the pass found."""
    files = corpus_files(corpus)[:documents]
    worker = FloorSlices(files) if kind == "floor" else FullSlices(files)
    print("{}", flush=True)
    for line in sys.stdin:
        start, end = map(int, line.split())
        print(json.dumps({"seconds": worker.seconds(start, end)}), flush=True)
    print(json.dumps(worker.close()), flush=True)


def group_slices(files: list[Path]) -> list[tuple[int, int]]:
    """The files cut into extraction's groups, as (start, end) index ranges: a full slice
    then runs exactly one group, as a whole run would."""
    from claimscope.documents import Document
    from claimscope.extraction import ZONE_CHARS, ZONE_DOCUMENTS, _take

    stream = (Document(id=str(path), path=str(path), text=read_text(path)) for path in files)
    slices: list[tuple[int, int]] = []
    while group := _take(stream, ZONE_DOCUMENTS, ZONE_CHARS):
        start = slices[-1][1] if slices else 0
        slices.append((start, start + len(group)))
    return slices


def interleaved_pass(corpus: Path, documents: int, slices: list[tuple[int, int]]) -> dict:
    """One pass of the floor and full extraction over the first ``documents`` files, each in a
    fresh worker process, taking turns slice by slice (who goes first alternates).

    The machine's speed drifts over seconds, so rounds timed one after the other compare
    different machines; slices of a fraction of a second, timed back to back, compare like
    with like, and each process still runs the corpus in order, as one run would.
    """
    workers = {kind: _start_worker(kind, corpus, documents) for kind in ("floor", "full")}
    for worker in workers.values():
        _answer(worker)  # set up (spaCy imported, pipelines built): timing starts now
    totals = {"floor": 0.0, "full": 0.0}
    for number, (start, end) in enumerate(slices):
        for kind in ("floor", "full") if number % 2 == 0 else ("full", "floor"):
            workers[kind].stdin.write(f"{start} {end}\n")
            workers[kind].stdin.flush()
            totals[kind] += _answer(workers[kind])["seconds"]
    found = {}
    for worker in workers.values():
        worker.stdin.close()
        found.update(_answer(worker))
        worker.wait()
    return {"floor_s": totals["floor"], "full_s": totals["full"], **found}


def _start_worker(kind: str, corpus: Path, documents: int) -> subprocess.Popen:
    command = [sys.executable, __file__, "--worker", kind, "--corpus", str(corpus)]
    return subprocess.Popen(
        [*command, "--documents", str(documents)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def _answer(worker: subprocess.Popen) -> dict:
    line = worker.stdout.readline()
    if not line:
        raise SystemExit(f"a benchmark worker failed (exit status {worker.wait()})")
    return json.loads(line)


def claimscope_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "claimscope", *args]


def cli_seconds(paths: list[Path], jobs: int) -> float:
    """Wall time of `claimscope extract PATHS --jobs N` (start-up included), output discarded."""
    command = claimscope_command("extract", *map(str, paths), "--jobs", str(jobs), "--quiet")
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def halves_seconds(paths: list[Path]) -> float:
    """Wall time of two `claimscope extract` processes run at once, each on one half of
    PATHS: what any split over two processes reaches on this machine (start-up included),
    the bound for --jobs 2."""
    half = len(paths) // 2
    started = time.perf_counter()
    processes = [
        subprocess.Popen(
            claimscope_command("extract", *map(str, part), "--quiet"), stdout=subprocess.DEVNULL
        )
        for part in (paths[:half], paths[half:])
    ]
    if any(process.wait() for process in processes):
        raise SystemExit("an extraction on half of the corpus failed")
    return time.perf_counter() - started


# A pure-Python loop (no memory traffic, nothing shared) that prints its own wall time.
_SPIN = (
    "import time\nstarted = time.perf_counter()\nx = 0\nfor i in range(10_000_000):\n"
    "    x += i\nprint(time.perf_counter() - started)\n"
)


def machine_speedup(tries: int = 3) -> float:
    """What this machine gives two processes at once now: the loop alone against two copies
    at once, as throughput (2.0 on two free cores), the median of ``tries`` back-to-back pairs.
    On a VM whose two cores share a physical one or a clock budget, two busy processes each
    run slower than one alone: no two-process split of extraction can beat this figure."""
    ratios = []
    for _ in range(tries):
        alone = _spin_seconds(1)
        ratios.append(2 * alone[0] / max(_spin_seconds(2)))
    return statistics.median(ratios)


def _spin_seconds(copies: int) -> list[float]:
    processes = [
        subprocess.Popen([sys.executable, "-c", _SPIN], stdout=subprocess.PIPE, text=True)
        for _ in range(copies)
    ]
    return [float(process.communicate()[0]) for process in processes]


def peak_rss_mb(paths: list[Path]) -> tuple[float, float]:
    """Peak RSS (MB) and wall time of `claimscope extract PATHS` in a fresh process."""
    command = claimscope_command("extract", *map(str, paths), "--quiet")
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", _PEAK_RSS, *command], capture_output=True, text=True, check=True
    )
    return int(out.stdout.strip()) / 1024, time.perf_counter() - started


def help_seconds(runs: int = 7) -> float:
    """Median wall time of `claimscope --help`."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(claimscope_command("--help"), stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def run(quick: bool, corpus: Path) -> dict:
    files = corpus_files(corpus)
    load_before = os.getloadavg()[0]
    speed_files, words = first_words(files, 100_000 if quick else 1_000_000)
    small, large = (100, 1_000) if quick else (1_000, 10_000)
    results: dict = {"words": words, "documents": len(speed_files)}

    passes = []
    slices = group_slices(speed_files)
    for attempt in range(1, PASSES + 1):
        step(f"floor and full extraction, interleaved per group (pass {attempt} of {PASSES})")
        passes.append(interleaved_pass(corpus, len(speed_files), slices))
    results["floor_s"] = [p["floor_s"] for p in passes]
    results["full_s"] = [p["full_s"] for p in passes]
    results["ratios"] = [p["floor_s"] / p["full_s"] for p in passes]
    results.update(
        slices=len(slices),
        build_s=passes[0]["build_s"],
        claims=passes[0]["claims"],
        floor_wps=words / statistics.median(results["floor_s"]),
        full_wps=words / statistics.median(results["full_s"]),
        ratio=statistics.median(results["ratios"]),
    )
    # Wall clock is even more sensitive to other load than CPU time: alternate, keep the best.
    timed = {
        "cli_jobs1_s": lambda: cli_seconds(speed_files, 1),
        "cli_jobs2_s": lambda: cli_seconds(speed_files, 2),
        "halves_s": lambda: halves_seconds(speed_files),
        "machine_speedup": machine_speedup,
    }
    rounds: dict[str, list[float]] = {key: [] for key in timed}
    for attempt in range(1, ROUNDS + 1):
        step(f"--jobs 1, --jobs 2 and two processes on the halves (round {attempt} of {ROUNDS})")
        order = list(timed) if attempt % 2 else list(timed)[::-1]
        for key in order:
            rounds[key].append(timed[key]())
    for key in ("cli_jobs1_s", "cli_jobs2_s", "halves_s"):
        results[key] = min(rounds[key])
        results[key.removesuffix("_s") + "_rounds_s"] = rounds[key]
    # The speed-up is each round's own, --jobs 1 against --jobs 2 run back to back (the machine
    # speed drifts; the same run took 6.7 to 8.9 s in one benchmark), the median of the rounds.
    # Best against best is reported too: it pairs runs from different machine moments.
    results["round_speedups"] = [
        one / two for one, two in zip(rounds["cli_jobs1_s"], rounds["cli_jobs2_s"], strict=True)
    ]
    results["speedup"] = statistics.median(results["round_speedups"])
    results["best_speedup"] = results["cli_jobs1_s"] / results["cli_jobs2_s"]
    results["halves_speedup"] = results["cli_jobs1_s"] / results["halves_s"]
    results["machine_speedups"] = rounds["machine_speedup"]
    for count in (small, large):
        step(f"peak RSS at {count:,} documents")
        rss, wall = peak_rss_mb(files[:count] if quick else _folders(corpus, count))
        results[f"rss_{count}_mb"], results[f"rss_{count}_s"] = rss, wall
    results["rss_growth"] = results[f"rss_{large}_mb"] / results[f"rss_{small}_mb"]
    step("claimscope --help")
    results["help_s"] = help_seconds()
    results.update(
        small=small,
        large=large,
        quick=quick,
        cores=os.cpu_count(),
        load_before=load_before,
        load_after=os.getloadavg()[0],
        python=platform.python_version(),
        spacy=_spacy_version(),
    )
    return results


def _folders(corpus: Path, count: int) -> list[Path]:
    """Whole sub-folders holding the first ``count`` documents (shorter command lines)."""
    return sorted(corpus.glob("d*"))[: max(1, count // make_corpus.FOLDER_SIZE)]


def _spacy_version() -> str:
    import spacy

    return spacy.__version__


def step(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message} ...", file=sys.stderr, flush=True)


def report(r: dict) -> str:
    """The figures as a Markdown table, each with its target and whether it is met."""
    small, large = r["small"], r["large"]
    rows = [
        ('Floor: `spacy.blank("en")` + sentencizer', f"{r['floor_wps']:,.0f} words/s", "", ""),
        ("Full extraction, records serialised", f"{r['full_wps']:,.0f} words/s", "", ""),
        (
            "Full / floor (lowest–highest pass)",
            f"{r['ratio']:.2f}× ({min(r['ratios']):.2f}–{max(r['ratios']):.2f}×)",
            "≥ 0.5× (aim 0.7×)",
            r["ratio"] >= 0.5,
        ),
        (
            "`extract --jobs 1` / `--jobs 2`, wall clock",
            f"{r['cli_jobs1_s']:.1f} s / {r['cli_jobs2_s']:.1f} s",
            "",
            "",
        ),
        (
            "`--jobs 2` speed-up, median of the rounds (lowest–highest; best against best)",
            f"{r['speedup']:.2f}× ({min(r['round_speedups']):.2f}–"
            f"{max(r['round_speedups']):.2f}×; {r['best_speedup']:.2f}×)",
            "≥ 1.5×",
            r["speedup"] >= 1.5,
        ),
        (
            "Two processes on the halves at once (bound for `--jobs 2`)",
            f"{r['halves_s']:.1f} s, {r['halves_speedup']:.2f}×",
            "",
            "",
        ),
        (
            "Machine: two pure-Python loops at once against one (median; lowest–highest)",
            f"{statistics.median(r['machine_speedups']):.2f}× "
            f"({min(r['machine_speedups']):.2f}–{max(r['machine_speedups']):.2f}×)",
            "",
            "",
        ),
        (f"Peak RSS, {small:,} documents", f"{r[f'rss_{small}_mb']:.0f} MB", "< 500 MB", ""),
        (
            f"Peak RSS, {large:,} documents",
            f"{r[f'rss_{large}_mb']:.0f} MB",
            "< 500 MB, flat",
            r[f"rss_{large}_mb"] < 500 and r["rss_growth"] < 1.15,
        ),
        ("`claimscope --help`", f"{r['help_s']:.2f} s", "< 0.3 s", r["help_s"] < 0.3),
    ]
    lines = [
        f"Corpus: {r['documents']:,} documents, {r['words']:,} words for throughput "
        f"({r['claims']:,} claims); pipeline build {r['build_s']:.1f} s. Words/s are per "
        f"CPU-second, the median of {PASSES} passes, each a fresh floor and a fresh full "
        f"process taking turns over the {r['slices']} extraction groups; --jobs times are "
        f"wall clock with start-up over {ROUNDS} rounds, each running them back to back in "
        f"alternating order. "
        f"Python {r['python']}, spaCy {r['spacy']}, {r['cores']} cores, "
        f"load average {r['load_before']:.1f} before / {r['load_after']:.1f} after.",
        "",
        "| Measure | Result | Target | Met |",
        "|---|---|---|---|",
    ]
    for name, value, target, met in rows:
        mark = "" if met == "" else ("yes" if met else "**no**")
        lines.append(f"| {name} | {value} | {target} | {mark} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run on a small corpus")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="corpus folder")
    # Internal: a floor or full worker process of interleaved_pass.
    parser.add_argument("--worker", choices=("floor", "full"), help=argparse.SUPPRESS)
    parser.add_argument("--documents", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        serve_slices(args.worker, args.corpus, args.documents)
        return
    results = run(args.quick, args.corpus)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / ("quick.json" if args.quick else "latest.json")).write_text(
        json.dumps(results, indent=2) + "\n"
    )
    print(report(results))


if __name__ == "__main__":
    main()
