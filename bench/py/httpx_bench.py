#!/usr/bin/env python3
"""The Python contender: the seed SDK's stack, httpx with a reused client, SSE read by line
iteration + json.loads. Same requests as the other contenders; one JSON line per run on stdout.

  httpx_bench.py BASE_URL unary N | concurrent N INFLIGHT | stream N | open_streams N | cold
"""
import asyncio
import json
import sys
import time

T_IMPORT = time.perf_counter()
import httpx  # noqa: E402

IMPORT_MS = (time.perf_counter() - T_IMPORT) * 1e3

KEY = "fastgpt-mockkey"
APP = "66e29b870b24ce35330c0f08"
HISTORIES_BODY = '{"appId":"%s","offset":0,"pageSize":10}' % APP
STREAM_BODY = '{"messages":[{"role":"user","content":"bench"}],"detail":true,"stream":true}'
OPEN_BODY = '{"messages":[{"role":"user","content":"open"}],"stream":true}'


def fail(what):
    print("httpx_bench: " + what, file=sys.stderr)
    sys.exit(3)


def headers(extra=None):
    h = {"Authorization": "Bearer " + KEY, "User-Agent": "httpx-bench", "Content-Type": "application/json"}
    h.update(extra or {})
    return h


def check(resp):
    if resp.status_code != 200:
        fail("HTTP %d" % resp.status_code)
    data = resp.json()
    if data.get("code") != 200 or not isinstance(data.get("data"), dict):
        fail("unexpected envelope")


def out(**fields):
    print(json.dumps(dict(contender="httpx", **fields)))


def rss_kb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def main():
    base, cmd = sys.argv[1].rstrip("/"), sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    hist_url = base + "/api/core/chat/getHistories"
    comp_url = base + "/api/v1/chat/completions"
    if cmd == "cold":
        t0 = time.perf_counter()
        client = httpx.Client(headers=headers())
        new_ms = (time.perf_counter() - t0) * 1e3
        check(client.post(hist_url, content=HISTORIES_BODY))
        out(workload="cold", n=1, new_ms=new_ms, secs=time.perf_counter() - t0, import_ms=IMPORT_MS)
    elif cmd == "unary":
        with httpx.Client(headers=headers()) as client:
            check(client.post(hist_url, content=HISTORIES_BODY))
            t0 = time.perf_counter()
            for _ in range(n):
                check(client.post(hist_url, content=HISTORIES_BODY))
            out(workload="unary", n=n, secs=time.perf_counter() - t0)
    elif cmd == "concurrent":
        inflight = int(sys.argv[4]) if len(sys.argv) > 4 else 64
        asyncio.run(concurrent(hist_url, n, inflight))
    elif cmd == "stream":
        with httpx.Client(headers=headers({"x-mock-stream-events": str(n), "x-mock-stream-content": "realistic"}), timeout=120) as client:
            check(client.post(hist_url, content=HISTORIES_BODY))
            answers, text_bytes, first = 0, 0, None
            t0 = time.perf_counter()
            with client.stream("POST", comp_url, content=STREAM_BODY) as resp:
                if resp.status_code != 200:
                    fail("HTTP %d" % resp.status_code)
                event = ""
                for line in resp.iter_lines():
                    if line.startswith("event:"):
                        event = line[6:].strip()
                    elif line.startswith("data:"):
                        payload = line[5:].strip()
                        if first is None:
                            first = time.perf_counter()
                        if payload == "[DONE]":
                            continue
                        obj = json.loads(payload)
                        if event == "answer":
                            choices = obj.get("choices") or [{}]
                            content = (choices[0].get("delta") or {}).get("content")
                            if content:
                                answers += 1
                                text_bytes += len(content.encode())
            secs = time.perf_counter() - t0
            # Realistic answers (mock/README.md): at least 6 bytes of text each.
            if answers != n or text_bytes < 6 * n:
                fail("stream: %d answer events / %d bytes, expected %d" % (answers, text_bytes, n))
            out(workload="stream", n=n, secs=secs, ttfe_ms=(first - t0) * 1e3)
    elif cmd == "open_streams":
        asyncio.run(open_streams(hist_url, comp_url, n))
    else:
        fail("unknown workload " + cmd)


async def concurrent(url, n, inflight):
    limits = httpx.Limits(max_connections=inflight, max_keepalive_connections=inflight)
    async with httpx.AsyncClient(headers=headers(), limits=limits, timeout=120) as client:
        check(await client.post(url, content=HISTORIES_BODY))
        sem = asyncio.Semaphore(inflight)

        async def one():
            async with sem:
                check(await client.post(url, content=HISTORIES_BODY))

        t0 = time.perf_counter()
        # Batches keep the number of pending coroutine objects bounded.
        done = 0
        while done < n:
            batch = min(inflight * 16, n - done)
            await asyncio.gather(*(one() for _ in range(batch)))
            done += batch
        out(workload="concurrent", n=n, inflight=inflight, secs=time.perf_counter() - t0)


async def open_streams(hist_url, comp_url, n):
    limits = httpx.Limits(max_connections=n + 1, max_keepalive_connections=n + 1)
    h = headers({"x-mock-fault": "heartbeat_only=1000"})
    async with httpx.AsyncClient(headers=h, limits=limits, timeout=httpx.Timeout(120)) as client:
        check(await client.post(hist_url, content=HISTORIES_BODY))
        await asyncio.sleep(0.2)
        before = rss_kb()
        live = 0
        all_live = asyncio.Event()
        stop = asyncio.Event()

        async def hold():
            nonlocal live
            async with client.stream("POST", comp_url, content=OPEN_BODY) as resp:
                if resp.status_code != 200:
                    fail("HTTP %d" % resp.status_code)
                lines = resp.aiter_lines()
                seen = False
                while not stop.is_set():
                    reader = asyncio.ensure_future(lines.__anext__())
                    stopper = asyncio.ensure_future(stop.wait())
                    done, _ = await asyncio.wait({reader, stopper}, return_when=asyncio.FIRST_COMPLETED)
                    if reader not in done:
                        reader.cancel()
                        return
                    stopper.cancel()
                    reader.result()
                    if not seen:
                        seen = True
                        live += 1
                        if live == n:
                            all_live.set()

        t0 = time.perf_counter()
        tasks = [asyncio.ensure_future(hold()) for _ in range(n)]
        try:
            await asyncio.wait_for(all_live.wait(), 60)
        except asyncio.TimeoutError:
            fail("open streams: not all streams got an event")
        open_secs = time.perf_counter() - t0
        await asyncio.sleep(1.5)
        after = rss_kb()
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        out(workload="open_streams", n=n, rss_before_kb=before, rss_after_kb=after,
            kb_per_stream=(after - before) / n, open_secs=open_secs)


if __name__ == "__main__":
    main()
