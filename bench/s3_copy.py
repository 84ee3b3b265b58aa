# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark: selective copy of a staging bucket into production (issue 5's performance points).

    bench/run                       (runs this among the others)
    python bench/s3_copy.py [--objects 5000] [--latency-objects 500] [--parallelism 32] [--json OUT]

Side by side, one emulator, each tool into its own empty production bucket, every tool run as a child process:
  ours        the engine behind restorekit.aws.s3_selective_copy (module_utils/_s3/copy_engine.py), default
              encryption policy and default parallelism (16), in a child Python (ansible-playbook's own start-up,
              a constant of about a second, is left out: it does not grow with the objects)
  aws sync    aws s3 sync s3://staging s3://prod (the venv's AWS CLI, defaults)
  rclone      rclone copy with --transfers/--checkers 32, S3 remote from environment variables (AWS_CA_BUNDLE unset)
  raw         the ceiling: list, then bare boto3 copy_object on 32 threads, nothing else

Printed per tool: requests the emulator served per object copied (its counters), client CPU seconds per 1,000
objects (getrusage of the child), objects/s with 250 ms of latency added to every S3 request (on --latency-objects
objects, fewer than the main run so the slowest tool finishes in reasonable time; ours runs with the same
parallelism as raw here, --parallelism), tags and metadata preserved (checked on a sample of keys).
Memory: peak of a plan (dry run) over 100,000 keys against one over 10,000. Creating 100,000 objects in the
emulator takes ~15 minutes at its ~150 requests/s, so the plan runs against a fake client that paginates
ListObjectsV2 pages of 1,000 generated keys (the engine cannot tell); tracemalloc peak and max RSS of a child each.
The issue's "50 tenants restored" point belongs to the s3_restore role, not to this copy.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# tools/startup_gc.py (the venv's start-up GC hook) is off for every process a benchmark starts, on every side it
# compares: a bastion has no such hook.
os.environ["RESTOREKIT_STARTUP_GC"] = "0"
VENV_BIN = os.path.join(ROOT, ".venv", "bin")
PYTHON = sys.executable
for path in (ROOT, os.path.join(ROOT, ".venv", "collections")):
    if path not in sys.path:
        sys.path.insert(0, path)

# pylint: disable=wrong-import-position
from emulator.client import CREDENTIALS, REGION, Emulator  # noqa: E402

PYTHONPATH = os.pathsep.join([ROOT, os.path.join(ROOT, ".venv", "collections")])

OURS = r"""
import datetime, json, sys
import boto3
from ansible_collections.restorekit.aws.plugins.module_utils._s3 import copy_engine, common
src, dst, endpoint, parallelism = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                      config=common.client_config(max_pool_connections=parallelism))
options = {"source_bucket": src, "dest_bucket": dst, "parallelism": parallelism,
           "recovery_point_time": datetime.datetime.now(datetime.timezone.utc)}
result = copy_engine.SelectiveCopy(client, options).run()
print(json.dumps({"copied": result["copied"]["count"], "errors": len(result["errors"])}))
"""

RAW = r"""
import sys
from concurrent.futures import ThreadPoolExecutor
import boto3
from botocore.config import Config
src, dst, endpoint, threads = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                      config=Config(max_pool_connections=threads, retries={"mode": "standard", "max_attempts": 8}))
keys = [o["Key"] for page in client.get_paginator("list_objects_v2").paginate(Bucket=src) for o in page.get("Contents", [])]
with ThreadPoolExecutor(threads) as pool:
    list(pool.map(lambda k: client.copy_object(Bucket=dst, Key=k, CopySource={"Bucket": src, "Key": k}), keys))
"""

PLAN = r"""
import datetime, json, resource, sys, tracemalloc
from ansible_collections.restorekit.aws.plugins.module_utils._s3 import copy_engine
count, manifest = int(sys.argv[1]), sys.argv[2]
NOW = datetime.datetime(2026, 11, 24, tzinfo=datetime.timezone.utc)

class Paginator:
    def __init__(self, count):
        self.count = count
    def paginate(self, Bucket, Prefix=None):
        total = self.count if Bucket == "staging" else 0
        for start in range(0, max(total, 1), 1000):
            yield {"Contents": [{"Key": "tenant/%09d/object.json" % n, "Size": 100, "ETag": '"%032x"' % n, "LastModified": NOW,
                                 "ChecksumAlgorithm": ["CRC32"]} for n in range(start, min(start + 1000, total))]}

class FakeClient:
    def __init__(self, count):
        self.count = count
    def get_paginator(self, name):
        assert name == "list_objects_v2"
        return Paginator(self.count)

tracemalloc.start()
result = copy_engine.SelectiveCopy(FakeClient(count), {"source_bucket": "staging", "dest_bucket": "prod", "dry_run": True,
                                                       "conflict_policy": "overwrite", "manifest_path": manifest}).run()
peak = tracemalloc.get_traced_memory()[1]
assert result["actions"]["copy"]["count"] == count, result["actions"]
print(json.dumps({"tracemalloc_peak": peak, "maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def tool(name):
    candidate = os.path.join(VENV_BIN, name)
    return candidate if os.path.exists(candidate) else name


def child(argv, env):
    """Run ARGV; return (wall seconds, CPU seconds of the child, stdout)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, check=False, timeout=1800)
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError("%s failed (%d): %s %s" % (argv[0], proc.returncode, proc.stdout[-2000:], proc.stderr[-2000:]))
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.stdout


def base_env(emulator):
    env = dict(os.environ)
    env.update(emulator.env())
    env.update({"PYTHONPATH": PYTHONPATH, "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null"})
    return env


def run_tool(name, emulator, src, dst, parallelism):
    env = base_env(emulator)
    endpoint = emulator.endpoint
    if name == "ours":
        argv = [PYTHON, "-c", OURS, src, dst, endpoint, str(parallelism)]
    elif name == "aws sync":
        argv = [tool("aws"), "s3", "sync", "s3://%s" % src, "s3://%s" % dst, "--only-show-errors"]
    elif name == "rclone":
        env.pop("AWS_CA_BUNDLE", None)
        env.update({"RCLONE_CONFIG_X_TYPE": "s3", "RCLONE_CONFIG_X_PROVIDER": "Other", "RCLONE_CONFIG_X_ENDPOINT": endpoint,
                    "RCLONE_CONFIG_X_ACCESS_KEY_ID": CREDENTIALS["AWS_ACCESS_KEY_ID"],
                    "RCLONE_CONFIG_X_SECRET_ACCESS_KEY": CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
                    "RCLONE_CONFIG_X_REGION": REGION, "RCLONE_CONFIG_X_FORCE_PATH_STYLE": "true"})
        argv = ["rclone", "copy", "X:%s" % src, "X:%s" % dst, "--transfers", "32", "--checkers", "32", "--config", "/dev/null"]
    else:
        argv = [PYTHON, "-c", RAW, src, dst, endpoint, "32"]
    return child(argv, env)


def fill(s3, bucket, count, prefix):
    s3.create_bucket(Bucket=bucket)

    def put(n):
        s3.put_object(Bucket=bucket, Key="%s/%05d/obj %d.txt" % (prefix, n % 97, n), Body=("object %d\n" % n).encode(),
                      ContentType="text/plain", Metadata={"tenant": "12", "n": str(n)}, Tagging="tenant=12&n=%d" % n)

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(put, range(count)))


def keys_of(s3, bucket):
    return [o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket) for o in page.get("Contents", [])]


def preserved(s3, src, dst, sample):
    for key in sample:
        a, b = s3.head_object(Bucket=src, Key=key), s3.head_object(Bucket=dst, Key=key)
        if a["Metadata"] != b["Metadata"] or a.get("ContentType") != b.get("ContentType"):
            return False
        if s3.get_object_tagging(Bucket=src, Key=key)["TagSet"] != s3.get_object_tagging(Bucket=dst, Key=key)["TagSet"]:
            return False
    return True


def served(emulator):
    return sum(emulator.control("counters")["requests"].get("s3", {}).values())


def verdict(ok):
    return "PASS" if ok else "FAIL"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--objects", type=int, default=5000)
    parser.add_argument("--latency-objects", type=int, default=500)
    parser.add_argument("--parallelism", type=int, default=32)
    parser.add_argument("--json")
    args = parser.parse_args(argv)
    tools = ["ours", "aws sync", "rclone", "raw"]
    results = dict((name, {}) for name in tools)
    with tempfile.TemporaryDirectory() as state, Emulator(state_dir=state) as emulator:
        s3 = emulator.client("s3", max_pool_connections=16)
        started = time.monotonic()
        fill(s3, "staging", args.objects, "tenant")
        fill(s3, "staging-latency", args.latency_objects, "far")
        print("created %d + %d objects with tags and metadata in %.0f s" % (args.objects, args.latency_objects, time.monotonic() - started))
        sample = keys_of(s3, "staging")[:: max(1, args.objects // 20)]
        for index, name in enumerate(tools):
            dst = "prod-%d" % index
            s3.create_bucket(Bucket=dst)
            emulator.control("counters", method="DELETE")
            wall, cpu, out = run_tool(name, emulator, "staging", dst, 16)
            requests = served(emulator)
            copied = len(keys_of(s3, dst))
            results[name].update(copied=copied, requests_per_object=requests / max(copied, 1), cpu_per_1000=cpu * 1000.0 / max(copied, 1),
                                 wall=wall, objects_per_s=copied / wall, preserved=preserved(s3, "staging", dst, sample))
            print("  %-9s copied %d in %.1f s, %d requests, %.1f CPU s %s" % (name, copied, wall, requests, cpu, out.strip()[:80]))
        emulator.control("faults", {"latency": {"s3": 0.25}})
        try:
            for index, name in enumerate(tools):
                dst = "prod-latency-%d" % index
                s3.create_bucket(Bucket=dst)
                wall, cpu, out = run_tool(name, emulator, "staging-latency", dst, args.parallelism)
                copied = len(keys_of(s3, dst))
                results[name].update(latency_objects=copied, latency_objects_per_s=copied / wall)
                print("  %-9s with 250 ms latency: %d objects in %.1f s" % (name, copied, wall))
        finally:
            emulator.control("faults", method="DELETE")
    memory = {}
    with tempfile.TemporaryDirectory() as scratch:
        for count in (10000, 100000):
            env = dict(os.environ, PYTHONPATH=PYTHONPATH)
            out = child([PYTHON, "-c", PLAN, str(count), os.path.join(scratch, "plan-%d.jsonl" % count)], env)[2]
            memory[count] = json.loads(out)

    print()
    print("%-10s %8s %14s %12s %14s %10s %18s" % ("tool", "copied", "requests/obj", "CPU s/1000", "objects/s", "far obj/s", "tags+metadata kept"))
    for name in tools:
        r = results[name]
        row = (name, r["copied"], r["requests_per_object"], r["cpu_per_1000"], r["objects_per_s"], r["latency_objects_per_s"],
               "yes" if r["preserved"] else "no")
        print("%-10s %8d %14.3f %12.2f %14.1f %10.1f %18s" % row)
    print("(far obj/s: %d objects, 250 ms added to every S3 request; ours and raw at %d threads, aws sync at its default 10, rclone 32)"
          % (args.latency_objects, args.parallelism))
    ours, aws, raw = results["ours"], results["aws sync"], results["raw"]
    ratio = memory[100000]["tracemalloc_peak"] / float(memory[10000]["tracemalloc_peak"])
    rss_ratio = memory[100000]["maxrss_kib"] / float(memory[10000]["maxrss_kib"])
    print("plan memory: 10,000 keys peak %.1f MiB (RSS %.1f MiB), 100,000 keys peak %.1f MiB (RSS %.1f MiB); ratio %.2f (RSS %.2f), fake paginating client"
          % (memory[10000]["tracemalloc_peak"] / 1048576.0, memory[10000]["maxrss_kib"] / 1024.0,
             memory[100000]["tracemalloc_peak"] / 1048576.0, memory[100000]["maxrss_kib"] / 1024.0, ratio, rss_ratio))
    checks = [
        ("all %d objects copied by ours" % args.objects, ours["copied"] == args.objects),
        ("requests/object: ours %.3f <= 1.05" % ours["requests_per_object"], ours["requests_per_object"] <= 1.05),
        ("requests/object: ours %.3f <= aws sync %.3f" % (ours["requests_per_object"], aws["requests_per_object"]),
         ours["requests_per_object"] <= aws["requests_per_object"]),
        ("CPU s/1000: ours %.2f <= 0.7 x aws sync %.2f" % (ours["cpu_per_1000"], aws["cpu_per_1000"]), ours["cpu_per_1000"] <= 0.7 * aws["cpu_per_1000"]),
        ("far obj/s: ours %.1f >= 2 x aws sync %.1f" % (ours["latency_objects_per_s"], aws["latency_objects_per_s"]),
         ours["latency_objects_per_s"] >= 2 * aws["latency_objects_per_s"]),
        ("far obj/s: ours %.1f >= 0.8 x raw %.1f" % (ours["latency_objects_per_s"], raw["latency_objects_per_s"]),
         ours["latency_objects_per_s"] >= 0.8 * raw["latency_objects_per_s"]),
        ("tags and metadata preserved by ours", ours["preserved"]),
        ("plan peak memory 100k/10k keys %.2f <= 1.2" % ratio, ratio <= 1.2),
    ]
    for text, ok in checks:
        print("%s  %s" % (verdict(ok), text))
    print("n/a   50 tenants restored in one run: the s3_restore role's point, not measured here")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump({"tools": results, "plan_memory": memory, "checks": dict(checks)}, handle, indent=2)
    return 0 if all(ok for text, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
