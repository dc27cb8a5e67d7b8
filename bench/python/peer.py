"""Python peers for Cohort's benchmarks: one measurement per invocation.

Run with the system Python (standard library only; Pillow for ``thumbnails``)::

    python3 peer.py map            --n N --workers W [--cold]
    python3 peer.py imap-unordered --n N --workers W [--chunksize C] [--cold]
    python3 peer.py apply-async    --n N --workers W
    python3 peer.py executor-map   --n N --workers W
    python3 peer.py apply-rtt      --calls C --workers W
    python3 peer.py sum            --workers W --end E --split K [--cold]
    python3 peer.py thumbnails     --dir D --out O --workers W [--size 75] [--cold]
    python3 peer.py thumbnail-stages --dir D --out O [--size 75] [--rounds 3]
    python3 peer.py versions

Each run prints exactly one JSON object on the last line of stdout; diagnostics
go to stderr. Pools use the ``fork`` start method and are warmed up before the
timed section, which covers only the work itself (not pool start or shutdown).
With ``--cold`` the pool is not warmed: the timed section is the first work of a
fresh pool in a fresh interpreter, and ``ended_at`` (seconds since the epoch, when
the work ended) lets the caller count the interpreter's and the pool's start too.
Exit codes: 0 success, 1 verification failure, 2 usage error, 3 Pillow missing.
"""

import argparse
import json
import math
import multiprocessing
import os
import platform
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from types import ModuleType
from typing import Any, Callable, NoReturn

CTX = multiprocessing.get_context("fork")
PILLOW_MISSING = "Pillow is missing: install Debian's python3-pil (apt-get install -y python3-pil)"


def identity(x: Any) -> Any:
    """Return the argument unchanged: the trivial task."""
    return x


def sum_part(bounds: tuple[int, int]) -> int:
    """Sum the integers of [a, b) with a plain Python for loop (CPU-bound)."""
    a, b = bounds
    total = 0
    for i in range(a, b):
        total += i
    return total


def make_thumbnail(job: tuple[str, str, int]) -> str:
    """Shrink the JPEG at src to fit size x size and save it as JPEG at dst."""
    from PIL import Image

    src, dst, size = job
    with Image.open(src) as im:
        im.thumbnail((size, size))
        im.save(dst, "JPEG")
    return dst


def fail(message: str) -> NoReturn:
    """Report a verification failure on stderr and exit with code 1."""
    print(f"peer.py: verification failed: {message}", file=sys.stderr)
    sys.exit(1)


ENDED_AT: list[float] = []


def timed(work: Callable[[], Any]) -> tuple[Any, float]:
    """Run work() and return its result with the elapsed wall-clock seconds."""
    start = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - start
    ENDED_AT.append(time.time())
    return result, seconds


def warm(pool: Any, args: argparse.Namespace) -> None:
    """Give every worker a first task, unless the run measures a cold pool (--cold)."""
    if not getattr(args, "cold", False):
        pool.map(identity, range(args.workers * 4))


def throughput(peer: str, workers: int, n: int, seconds: float) -> dict[str, Any]:
    """Build the output of a task-throughput mode."""
    return {"peer": peer, "workers": workers, "tasks": n, "seconds": seconds, "rate": n / seconds}


def check_identity(results: list[Any], n: int) -> None:
    """Fail unless results is exactly [0, 1, ..., n - 1]."""
    if len(results) != n:
        fail(f"expected {n} results, got {len(results)}")
    if results != list(range(n)):
        fail("results differ from range(n)")


def run_map(args: argparse.Namespace) -> dict[str, Any]:
    """Pool(W).map(identity, range(N)) with the default chunksize."""
    with CTX.Pool(args.workers) as pool:
        warm(pool, args)
        results, seconds = timed(lambda: pool.map(identity, range(args.n)))
    check_identity(results, args.n)
    return throughput(f"Pool({args.workers}).map", args.workers, args.n, seconds)


def run_imap_unordered(args: argparse.Namespace) -> dict[str, Any]:
    """Pool(W).imap_unordered(identity, range(N), chunksize=C), all consumed (C is 1 by default)."""
    chunksize = args.chunksize
    with CTX.Pool(args.workers) as pool:
        warm(pool, args)
        results, seconds = timed(
            lambda: list(pool.imap_unordered(identity, range(args.n), chunksize=chunksize)))
    check_identity(sorted(results), args.n)
    return throughput(f"Pool({args.workers}).imap_unordered(cs={chunksize})", args.workers, args.n,
                      seconds)


def run_apply_async(args: argparse.Namespace) -> dict[str, Any]:
    """apply_async(identity, (i,)) for every i, then get() every result."""
    def work() -> list[Any]:
        pending = [pool.apply_async(identity, (i,)) for i in range(args.n)]
        return [p.get() for p in pending]

    with CTX.Pool(args.workers) as pool:
        warm(pool, args)
        results, seconds = timed(work)
    check_identity(results, args.n)
    return throughput(f"Pool({args.workers}).apply_async", args.workers, args.n, seconds)


def run_executor_map(args: argparse.Namespace) -> dict[str, Any]:
    """ProcessPoolExecutor(W).map(identity, range(N)) with the default chunksize."""
    with ProcessPoolExecutor(max_workers=args.workers, mp_context=CTX) as executor:
        for future in [executor.submit(identity, i) for i in range(args.workers)]:
            future.result()
        results, seconds = timed(lambda: list(executor.map(identity, range(args.n))))
    check_identity(results, args.n)
    return throughput(f"ProcessPoolExecutor({args.workers}).map", args.workers, args.n, seconds)


def nearest_rank(ordered: list[int], q: float) -> int:
    """The nearest-rank q-quantile: the ceil(q * len)-th smallest value."""
    return ordered[max(1, math.ceil(q * len(ordered))) - 1]


def run_apply_rtt(args: argparse.Namespace) -> dict[str, Any]:
    """Round-trip latency of C sequential pool.apply(identity, (i,)) calls."""
    latencies: list[int] = []
    with CTX.Pool(args.workers) as pool:
        for i in range(200):
            pool.apply(identity, (i,))
        for i in range(args.calls):
            start = time.perf_counter_ns()
            result = pool.apply(identity, (i,))
            latencies.append(time.perf_counter_ns() - start)
            if result != i:
                fail(f"call {i} returned {result!r}")
    latencies.sort()
    return {"peer": "Pool.apply", "workers": args.workers, "calls": args.calls,
            "p50_us": nearest_rank(latencies, 0.50) / 1000,
            "p99_us": nearest_rank(latencies, 0.99) / 1000,
            "mean_us": sum(latencies) / len(latencies) / 1000,
            "min_us": latencies[0] / 1000, "max_us": latencies[-1] / 1000}


def run_sum(args: argparse.Namespace) -> dict[str, Any]:
    """Sum [0, E) in K contiguous parts via Pool(W).map(sum_part, parts)."""
    end, split = args.end, args.split
    step = end // split
    parts = [(k * step, end if k == split - 1 else (k + 1) * step) for k in range(split)]
    with CTX.Pool(args.workers) as pool:
        warm(pool, args)
        total, seconds = timed(lambda: sum(pool.map(sum_part, parts)))
    if total != end * (end - 1) // 2:
        fail(f"sum of [0, {end}) came out as {total}")
    return {"peer": f"Pool({args.workers}) sum loop", "workers": args.workers, "split": split,
            "end": end, "seconds": seconds, "rate": end / seconds, "result": str(total)}


def load_pillow() -> ModuleType:
    """Import PIL.Image, or exit with code 3 and an install hint if it is absent."""
    try:
        from PIL import Image
    except ImportError:
        print(PILLOW_MISSING, file=sys.stderr)
        sys.exit(3)
    return Image


def run_thumbnails(args: argparse.Namespace) -> dict[str, Any]:
    """Thumbnail every *.jpg of --dir into --out with Pillow via Pool(W).map."""
    image = load_pillow()
    image.preinit()  # load the JPEG plugin once, before the workers are forked
    if not os.path.isdir(args.dir):
        fail(f"{args.dir} is not a directory")
    names = sorted(n for n in os.listdir(args.dir) if n.endswith(".jpg"))
    if not names:
        fail(f"no *.jpg files in {args.dir}")
    os.makedirs(args.out, exist_ok=True)
    jobs = [(os.path.join(args.dir, n), os.path.join(args.out, n), args.size) for n in names]
    with CTX.Pool(args.workers) as pool:
        warm(pool, args)
        _, seconds = timed(lambda: pool.map(make_thumbnail, jobs))
    for _, dst, _ in jobs:
        if not os.path.isfile(dst):
            fail(f"missing output {dst}")
        with image.open(dst) as im:
            if max(im.size) != args.size:
                fail(f"{dst} is {im.size[0]}x{im.size[1]}, expected a max side of {args.size}")
    return {"peer": f"Pool({args.workers})+Pillow", "workers": args.workers,
            "images": len(jobs), "seconds": seconds, "rate": len(jobs) / seconds}


def run_thumbnail_stages(args: argparse.Namespace) -> dict[str, Any]:
    """CPU time per photo of each stage of make_thumbnail, on this process's one thread.

    The stages of ``Image.open(src); im.thumbnail(size); im.save(dst, "JPEG")``, split:
    read (the file's bytes), decode (Image.open's header parse, then draft() and load(), the
    1/8-scale decode), exif (reading the orientation, as exif_transpose does), resize (thumbnail(),
    which then only resamples), encode (save to memory) and write (the file). The first round
    warms up; the others are averaged. Run it pinned to one core (taskset -c 1).
    """
    import io
    image = load_pillow()
    names = sorted(n for n in os.listdir(args.dir) if n.endswith(".jpg"))
    if not names:
        fail(f"no *.jpg files in {args.dir}")
    os.makedirs(args.out, exist_ok=True)
    stages = dict.fromkeys(["read", "exif", "decode", "resize", "encode", "write"], 0)
    clock = time.process_time_ns
    size = (args.size, args.size)

    def one(name: str) -> None:
        a = clock()
        with open(os.path.join(args.dir, name), "rb") as f:
            data = f.read()
        b = clock()
        im = image.open(io.BytesIO(data))
        c = clock()
        im.getexif().get(0x0112)
        d = clock()
        im.draft(None, (size[0] * 2, size[1] * 2))
        im.load()
        e = clock()
        im.thumbnail(size)
        f_ = clock()
        buf = io.BytesIO()
        im.save(buf, "JPEG")
        g = clock()
        with open(os.path.join(args.out, name), "wb") as out:
            out.write(buf.getvalue())
        h = clock()
        stages["read"] += b - a
        stages["decode"] += (c - b) + (e - d)
        stages["exif"] += d - c
        stages["resize"] += f_ - e
        stages["encode"] += g - f_
        stages["write"] += h - g

    for name in names:
        one(name)
    for key in stages:
        stages[key] = 0
    for _ in range(args.rounds):
        for name in names:
            one(name)
    per = {k: v / args.rounds / len(names) / 1000 for k, v in stages.items()}
    return {"peer": "Pillow", "pillow": image.__version__ if hasattr(image, "__version__") else None,
            "images": len(names), "rounds": args.rounds, "us_per_image": per}


def run_versions(_: argparse.Namespace) -> dict[str, Any]:
    """Report the Python and Pillow versions (Pillow null when absent)."""
    try:
        import PIL
        pillow = PIL.__version__
    except ImportError:
        pillow = None
    return {"python": platform.python_version(), "pillow": pillow}


def positive(text: str) -> int:
    """argparse type for an integer >= 1."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Parse the command line; argparse exits with code 2 on usage errors."""
    parser = argparse.ArgumentParser(description="Python peers for Cohort's benchmarks.")
    modes = parser.add_subparsers(dest="mode", required=True)
    for name, run in [("map", run_map), ("imap-unordered", run_imap_unordered),
                      ("apply-async", run_apply_async), ("executor-map", run_executor_map)]:
        mode = modes.add_parser(name)
        mode.add_argument("--n", type=positive, required=True)
        mode.add_argument("--workers", type=positive, required=True)
        mode.add_argument("--cold", action="store_true")
        if name == "imap-unordered":
            mode.add_argument("--chunksize", type=positive, default=1)
        mode.set_defaults(run=run)
    for name, run, flags in [("apply-rtt", run_apply_rtt, ["--calls", "--workers"]),
                             ("sum", run_sum, ["--workers", "--end", "--split"])]:
        mode = modes.add_parser(name)
        for flag in flags:
            mode.add_argument(flag, type=positive, required=True)
        if name == "sum":
            mode.add_argument("--cold", action="store_true")
        mode.set_defaults(run=run)
    mode = modes.add_parser("thumbnails")
    mode.add_argument("--dir", required=True)
    mode.add_argument("--out", required=True)
    mode.add_argument("--workers", type=positive, required=True)
    mode.add_argument("--size", type=positive, default=75)
    mode.add_argument("--cold", action="store_true")
    mode.set_defaults(run=run_thumbnails)
    mode = modes.add_parser("thumbnail-stages")
    mode.add_argument("--dir", required=True)
    mode.add_argument("--out", required=True)
    mode.add_argument("--size", type=positive, default=75)
    mode.add_argument("--rounds", type=positive, default=3)
    mode.set_defaults(run=run_thumbnail_stages)
    modes.add_parser("versions").set_defaults(run=run_versions)
    return parser.parse_args(argv)


def main(argv: list[str]) -> None:
    """Run the selected mode and print its JSON object as the last line of stdout."""
    args = parse_args(argv)
    result = args.run(args)
    if ENDED_AT:
        result["ended_at"] = ENDED_AT[-1]
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
