"""Soak: 5 protocol-level clients change filters and upload files at random for a fixed time.

Each client (benchmarks/load_test.py's websocket session) opens the page, then loops until the
deadline: with probability 0.8 it picks one to three actors at random in the actor filter (a
rerun), else it uploads a small generated mentions CSV through Streamlit's own upload route
(file_urls_request, a PUT with the XSRF token, a rerun naming the file) and reads the page
that loads it. Every step must finish without an error; the server's resident memory is
sampled each minute and must stay flat (after the first fifth, the last third's mean within 15% of the first third's). Bounded: a deadline for the run, for each step and for each message; 127.0.0.1 only.

    .venv/bin/python benchmarks/soak.py --minutes 30 --doc BENCHMARKS.md      # make soak
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import sys
import time
import urllib.request
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load_test import ProtocolSession, free_port, rss_mib, start_server, stop_server  # noqa: E402

DOC_BEGIN = "<!-- soak:begin (written by benchmarks/soak.py --doc; do not edit by hand) -->"
DOC_END = "<!-- soak:end -->"


def upload_csv(rng: random.Random) -> bytes:
    rows = ["date,actor,tone,count"]
    for _ in range(rng.randint(50, 400)):
        rows.append(f"2024-0{rng.randint(1, 9)}-{rng.randint(10, 28)},Actor {rng.randint(1, 30)},{rng.uniform(-1, 1):.3f},{rng.randint(1, 9)}")
    return ("\n".join(rows) + "\n").encode()


class SoakClient(ProtocolSession):
    def __init__(self, port: int, timeout: float, seed: int):
        super().__init__(port, "", timeout)
        self.port = port
        self.rng = random.Random(seed)
        self.steps = {"filter": 0, "upload": 0}
        self.xsrf = ""

    def cookie(self) -> None:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/_stcore/health", timeout=self.timeout) as response:
            for header in response.headers.get_all("Set-Cookie") or []:
                if header.startswith("_streamlit_xsrf="):
                    self.xsrf = header.split(";", 1)[0].split("=", 1)[1]

    async def upload(self, ws, session_id: str, widget_id: str) -> None:
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        name = f"soak-{uuid.uuid4().hex[:8]}.csv"
        back = BackMsg()
        back.file_urls_request.request_id = uuid.uuid4().hex
        back.file_urls_request.file_names.append(name)
        back.file_urls_request.session_id = session_id
        await ws.send(back.SerializeToString())
        deadline = time.perf_counter() + self.timeout
        while True:
            msg = ForwardMsg.FromString(await asyncio.wait_for(ws.recv(), max(0.1, deadline - time.perf_counter())))
            if msg.WhichOneof("type") == "file_urls_response":
                break
        urls = msg.file_urls_response.file_urls[0]
        body = upload_csv(self.rng)
        boundary = uuid.uuid4().hex
        form = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
                "Content-Type: text/csv\r\n\r\n").encode() + body + f"\r\n--{boundary}--\r\n".encode()
        url = urls.upload_url if urls.upload_url.startswith("http") else f"http://127.0.0.1:{self.port}{urls.upload_url}"
        request = urllib.request.Request(url, data=form, method="PUT", headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}", "X-Xsrftoken": self.xsrf,
            "Cookie": f"_streamlit_xsrf={self.xsrf}"})
        await asyncio.to_thread(lambda: urllib.request.urlopen(request, timeout=self.timeout).read())
        state = WidgetState(id=widget_id)
        info = state.file_uploader_state_value.uploaded_file_info.add()
        info.file_id, info.name, info.size = urls.file_id, name, len(body)
        info.file_urls.CopyFrom(urls)
        await self.rerun(ws, [self.dataset_state(upload=True), state])

    async def soak(self, until: float) -> dict:
        import websockets
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        try:
            await asyncio.to_thread(self.cookie)
            headers = {"Cookie": f"_streamlit_xsrf={self.xsrf}"} if self.xsrf else {}
            async with websockets.connect(self.uri, subprotocols=["streamlit", self.xsrf] if self.xsrf else ["streamlit"],
                                          origin=self.origin, max_size=None, additional_headers=headers,
                                          open_timeout=self.timeout) as ws:
                self.session_id = ""
                await self.rerun(ws)
                actor_id, actors = self.actor_widget or ("", [])
                while time.perf_counter() < until:  # bounded by the run's deadline
                    if self.rng.random() >= self.upload_share and actors:
                        state = WidgetState(id=actor_id)
                        state.string_array_value.data.extend(self.rng.sample(actors, k=min(len(actors), self.rng.randint(1, 3))))
                        await self.rerun(ws, [state])
                        self.steps["filter"] += 1
                    elif self.session_id and self.dataset_widget[0]:
                        await self.upload_step(ws)
                        self.steps["upload"] += 1
                    await asyncio.sleep(self.rng.uniform(0.5, 3.0))
        except Exception as exc:  # noqa: BLE001 - every failure is an error of the soak
            self.errors.append(f"{type(exc).__name__}: {str(exc)[:160]}")
        return {"steps": self.steps, "errors": self.errors, "self_reruns": self.self_reruns}

    async def read_until_finished(self, ws, start: float) -> dict:
        # Remember what an upload needs: the session id and the mentions uploader's widget id.
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        original = ws.recv

        async def recv():
            data = await original()
            msg = ForwardMsg.FromString(data)
            kind = msg.WhichOneof("type")
            if kind == "new_session" and msg.new_session.initialize.session_id:
                self.session_id = msg.new_session.initialize.session_id
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                if element.WhichOneof("type") == "file_uploader" and element.file_uploader.label == "Mentions file":
                    self.uploader_id = element.file_uploader.id
                elif element.WhichOneof("type") == "selectbox" and element.selectbox.label == "Dataset":
                    self.dataset_widget = (element.selectbox.id, list(element.selectbox.options))
            return data

        ws.recv = recv
        try:
            return await super().read_until_finished(ws, start)
        finally:
            ws.recv = original

    uploader_id = ""
    session_id = ""
    upload_share = 0.2
    dataset_widget: tuple[str, list[str]] = ("", [])

    def dataset_state(self, upload: bool):
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        widget, options = self.dataset_widget
        state = WidgetState(id=widget)
        state.string_value = next((o for o in options if o.startswith("Upload")), options[-1]) if upload else options[0]
        return state

    async def upload_step(self, ws) -> None:
        """Switch the dataset to an upload, upload a generated file, read its page, switch back."""
        await self.rerun(ws, [self.dataset_state(upload=True)])
        if not self.uploader_id:
            self.errors.append("no mentions uploader after choosing to upload")
            return
        await self.upload(ws, self.session_id, self.uploader_id)
        await self.rerun(ws, [self.dataset_state(upload=False)])


async def run(port: int, pid: int, clients: int, minutes: float, timeout: float) -> tuple[list[dict], list[tuple[float, float]]]:
    until = time.perf_counter() + minutes * 60
    samples: list[tuple[float, float]] = []
    start = time.perf_counter()

    async def sample():
        while time.perf_counter() < until + 5:
            samples.append((round((time.perf_counter() - start) / 60, 2), rss_mib(pid)))
            await asyncio.sleep(min(60.0, max(5.0, minutes * 60 / 12)))

    sampler = asyncio.ensure_future(sample())
    results = await asyncio.gather(*(SoakClient(port, timeout, seed).soak(until) for seed in range(clients)))
    sampler.cancel()
    samples.append((round((time.perf_counter() - start) / 60, 2), rss_mib(pid)))
    return results, samples


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=30.0)
    ap.add_argument("--clients", type=int, default=5)
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds one step may take")
    ap.add_argument("--upload-share", type=float, default=0.2, help="the share of steps that upload a file")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--doc", type=Path, help="write the result between the soak markers of this file (BENCHMARKS.md)")
    args = ap.parse_args()
    port = free_port()
    server = start_server(port)
    try:
        SoakClient.upload_share = args.upload_share
        results, samples = asyncio.run(run(port, server.pid, args.clients, args.minutes, args.timeout))
    finally:
        stop_server(server)
    errors = [e for r in results for e in r["errors"]]
    rss = [m for _, m in samples][max(1, len(samples) // 5):]  # after warm-up: the data loaded, the caches filled
    third = max(1, len(rss) // 3)
    first, last = sum(rss[:third]) / third, sum(rss[-third:]) / third
    summary = {
        "minutes": args.minutes, "clients": args.clients, "errors": len(errors), "first_errors": errors[:5],
        "self_reruns": sum(r.get("self_reruns", 0) for r in results),
        "filter_changes": sum(r["steps"]["filter"] for r in results), "uploads": sum(r["steps"]["upload"] for r in results),
        "rss_mib": [(t, round(m)) for t, m in samples], "rss_first_third_mib": round(first), "rss_last_third_mib": round(last),
        "flat": last <= first * 1.15,
        "machine": f"{platform.machine()}, {len(os.sched_getaffinity(0))} cores, Python {platform.python_version()}",
    }
    print(json.dumps(summary, indent=1))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(summary, indent=1))
    if args.doc:
        write_doc(args.doc, summary)
    return 0 if not errors and summary["flat"] else 1


def write_doc(doc: Path, s: dict) -> None:
    import datetime as dt

    table = "\n".join([
        f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; {s['machine']}.", "",
        "| | value |", "|---|---|",
        f"| run | {s['minutes']:g} minutes, {s['clients']} clients |",
        f"| steps | {s['filter_changes']:,} filter changes, {s['uploads']:,} uploads |",
        f"| errors | **{s['errors']}** |",
        f"| runs the page cut short itself (st.rerun), read on to the next run's end | {s.get('self_reruns', 0)} |",
        f"| server RSS (minute: MiB) | {', '.join(f'{t:g}: {m}' for t, m in s['rss_mib'])} |",
        f"| memory flat (last third within 15% of the first) | {'yes' if s['flat'] else 'NO'} "
        f"({s['rss_first_third_mib']} → {s['rss_last_third_mib']} MiB) |",
    ])
    text = doc.read_text()
    if DOC_BEGIN in text and DOC_END in text:
        head, rest = text.split(DOC_BEGIN, 1)
        text = head + DOC_BEGIN + "\n" + table + "\n" + DOC_END + rest.split(DOC_END, 1)[1]
    else:
        text += f"\n{DOC_BEGIN}\n{table}\n{DOC_END}\n"
    doc.write_text(text)


if __name__ == "__main__":
    raise SystemExit(main())
