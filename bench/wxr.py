"""Benchmark: converting WordPress export files (WXR) of growing size: memory must stay flat.

    python bench/wxr.py [--sizes 10,200] [--tmp DIR] [--keep]

For each size S (MiB) a deterministic WXR 1.2 export of at least S MiB is generated (posts of
~3 KiB of block-editor content with two categories, a tag and two comments each, one page in ten,
one attachment in twenty), then each row runs in its own child process:

  wparchive convert text   `python -m wparchive convert --format text FILE > /dev/null`
                           (sources/wxr.py: lxml iterparse, each item cleared once read)
  wparchive convert json   the same with `--format json`
  lxml parse whole file    `lxml.etree.parse(FILE)` then one pass over every <item>: what a
                           reader that is not streaming holds at least (the floor of that design)

Per run: wall time and CPU time (user+sys, from wait4) of the child, and its peak RSS: VmHWM of
/proc/self/status read by the child itself just before it exits (ru_maxrss would inherit the
forking parent's high-water mark). A report, not a test: it always exits 0.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MIB = 2**20
WORDS = ("archive export WordPress post page content paragraph memory stream parse item channel "
         "snapshot version reader writer comment author category tag media upload").split()
HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wfw="http://wellformedweb.org/CommentAPI/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
\t<title>Bench site</title>
\t<link>https://bench.example</link>
\t<wp:wxr_version>1.2</wp:wxr_version>
\t<wp:base_site_url>https://bench.example</wp:base_site_url>
\t<wp:base_blog_url>https://bench.example</wp:base_blog_url>
\t<wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[admin]]></wp:author_login>
\t\t<wp:author_display_name><![CDATA[The Admin]]></wp:author_display_name></wp:author>
"""
COMMENT = """\t\t<wp:comment><wp:comment_id>{cid}</wp:comment_id>
\t\t\t<wp:comment_author><![CDATA[Reader {cid}]]></wp:comment_author>
\t\t\t<wp:comment_author_email><![CDATA[r@example.invalid]]></wp:comment_author_email>
\t\t\t<wp:comment_date_gmt><![CDATA[2024-01-02 10:00:00]]></wp:comment_date_gmt>
\t\t\t<wp:comment_content><![CDATA[{text}]]></wp:comment_content>
\t\t\t<wp:comment_approved><![CDATA[1]]></wp:comment_approved><wp:comment_type><![CDATA[comment]]></wp:comment_type>
\t\t\t<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>
"""


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def _item(rng: random.Random, ident: int) -> str:
    if ident % 20 == 0:
        return (f"\t<item><title><![CDATA[Image {ident}]]></title><wp:post_id>{ident}</wp:post_id>"
                f"<wp:post_type><![CDATA[attachment]]></wp:post_type><wp:attachment_url><![CDATA["
                f"https://bench.example/wp-content/uploads/2024/01/{ident}.jpg]]></wp:attachment_url></item>\n")
    kind = "page" if ident % 10 == 0 else "post"
    paragraphs = "\n\n".join(f"<!-- wp:paragraph -->\n<p>{_sentence(rng, 60)}</p>\n<!-- /wp:paragraph -->"
                             for _ in range(6))
    comments = COMMENT.format(cid=ident * 2, text=_sentence(rng, 20), parent=0) + COMMENT.format(
        cid=ident * 2 + 1, text=_sentence(rng, 20), parent=ident * 2)
    return f"""\t<item>
\t\t<title><![CDATA[Post number {ident}]]></title>
\t\t<link>https://bench.example/2024/01/post-{ident}/</link>
\t\t<dc:creator><![CDATA[admin]]></dc:creator>
\t\t<content:encoded><![CDATA[{paragraphs}]]></content:encoded>
\t\t<excerpt:encoded><![CDATA[]]></excerpt:encoded>
\t\t<wp:post_id>{ident}</wp:post_id>
\t\t<wp:post_date_gmt><![CDATA[2024-01-01 10:00:00]]></wp:post_date_gmt>
\t\t<wp:post_modified_gmt><![CDATA[2024-01-01 10:00:00]]></wp:post_modified_gmt>
\t\t<wp:post_name><![CDATA[post-{ident}]]></wp:post_name>
\t\t<wp:status><![CDATA[publish]]></wp:status>
\t\t<wp:post_parent>0</wp:post_parent>
\t\t<wp:post_type><![CDATA[{kind}]]></wp:post_type>
\t\t<wp:post_password><![CDATA[]]></wp:post_password>
\t\t<wp:is_sticky>0</wp:is_sticky>
\t\t<category domain="category" nicename="news"><![CDATA[News]]></category>
\t\t<category domain="category" nicename="notes"><![CDATA[Notes]]></category>
\t\t<category domain="post_tag" nicename="bench"><![CDATA[bench]]></category>
{comments}\t</item>
"""


def generate(path: Path, mib: int) -> int:
    """Write an export of at least `mib` MiB; returns the number of items."""
    rng = random.Random(mib)
    size = 0
    items = 0
    with path.open("w", encoding="utf-8") as f:
        size += f.write(HEAD)
        while size < mib * MIB:
            items += 1
            size += f.write(_item(rng, items))
        f.write("</channel>\n</rss>\n")
    return items


# The child reports its own VmHWM when it is done, on stderr's last line.
_WRAP = """
import runpy, sys
def hwm():
    for line in open('/proc/self/status'):
        if line.startswith('VmHWM:'):
            return int(line.split()[1])
    return -1
try:
    {body}
finally:
    sys.stderr.write('\\nVMHWM %d\\n' % hwm())
"""
CONVERT = ("sys.argv = ['wparchive', 'convert', '--format', {fmt!r}, {path!r}]\n    "
           "try:\n        runpy.run_module('wparchive', run_name='__main__')\n    "
           "except SystemExit:\n        pass")
LXML = ("from lxml import etree\n    tree = etree.parse({path!r})\n    "
        "n = sum(1 for _ in tree.iter('item'))")


def run_child(body: str) -> tuple[float, float, int, int]:
    """(wall s, cpu s, peak RSS KiB, exit code) of one child process."""
    code = _WRAP.format(body=body)
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = proc.stderr.read() if proc.stderr else b""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    hwm = -1
    for line in stderr.decode("utf-8", "replace").splitlines():
        if line.startswith("VMHWM "):
            hwm = int(line.split()[1])
    return wall, usage.ru_utime + usage.ru_stime, hwm, proc.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,200", help="export sizes in MiB, comma-separated")
    parser.add_argument("--tmp", help="folder for the generated exports (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the generated exports")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    tmp = Path(args.tmp or tempfile.mkdtemp(prefix="wparchive-wxr-bench-"))
    tmp.mkdir(parents=True, exist_ok=True)
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs; "
          f"{platform.processor() or platform.platform()}")
    print(f"{'export':>10} {'items':>8}  {'reader':<26} {'wall s':>8} {'cpu s':>8} {'peak RSS MiB':>13} {'exit':>5}")
    try:
        for mib in sizes:
            path = tmp / f"export-{mib}mib.xml"
            items = generate(path, mib)
            real = path.stat().st_size / MIB
            rows = [("wparchive convert text", CONVERT.format(fmt="text", path=str(path))),
                    ("wparchive convert json", CONVERT.format(fmt="json", path=str(path))),
                    ("lxml parse whole file", LXML.format(path=str(path)))]
            for name, body in rows:
                wall, cpu, hwm, code = run_child(body)
                print(f"{real:>7.1f}MiB {items:>8}  {name:<26} {wall:>8.1f} {cpu:>8.1f} {hwm / 1024:>13.1f} {code:>5}")
            if not args.keep:
                path.unlink()
    finally:
        if not args.keep and not args.tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
