"""A local stand-in for an OpenAI-compatible (and Anthropic Messages) server, started by the tests
on 127.0.0.1. It answers from a script: JSON bodies, error statuses with headers, or silence (a
socket that accepts and never answers). Every request it receives is kept for assertions."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Reply = dict[str, Any] | Callable[[dict[str, Any]], dict[str, Any]] | str


def chat_reply(
    content: str,
    *,
    prompt_tokens: int = 120,
    completion_tokens: int = 60,
    finish_reason: str = "stop",
) -> dict[str, Any]:
    """An OpenAI chat.completion whose message content is ``content``."""
    return {
        "status": 200,
        "body": {
            "id": "chatcmpl-test",
            "object": "chat.completion",
            "created": 1700000000,
            "model": "fake-model",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": finish_reason,
                }
            ],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
        },
    }


def stream_reply(
    content: str,
    *,
    pieces: int = 4,
    gap: float = 0.0,
    finish_reason: str = "stop",
    usage: dict[str, int] | None = None,
) -> dict[str, Any]:
    """An OpenAI chat.completion.chunk stream (server-sent events) carrying ``content`` in
    ``pieces`` chunks, ``gap`` seconds apart; ``usage`` in a last chunk when given."""
    size = max(1, -(-len(content) // pieces))
    texts = [content[i : i + size] for i in range(0, len(content), size)] or [""]
    events = []
    for n, text in enumerate(texts):
        last = n == len(texts) - 1
        choice = {
            "index": 0,
            "delta": {"role": "assistant", "content": text} if n == 0 else {"content": text},
            "finish_reason": finish_reason if last else None,
        }
        events.append(
            {
                "id": "chatcmpl-s",
                "object": "chat.completion.chunk",
                "created": 1,
                "model": "fake-model",
                "choices": [choice],
            }
        )
    if usage is not None:
        events.append(
            {
                "id": "chatcmpl-s",
                "object": "chat.completion.chunk",
                "created": 1,
                "model": "fake-model",
                "choices": [],
                "usage": usage,
            }
        )
    chunks = [f"data: {json.dumps(e)}\n\n".encode() for e in events] + [b"data: [DONE]\n\n"]
    return {"status": 200, "sse": chunks, "gap": gap}


def anthropic_reply(tool: str, payload: dict[str, Any]) -> dict[str, Any]:
    """An Anthropic Messages reply calling tool ``tool`` with ``payload`` (the documented shape)."""
    return {
        "status": 200,
        "body": {
            "id": "msg_test",
            "type": "message",
            "role": "assistant",
            "model": "fake-claude",
            "content": [{"type": "tool_use", "id": "toolu_test", "name": tool, "input": payload}],
            "stop_reason": "tool_use",
            "stop_sequence": None,
            "usage": {"input_tokens": 150, "output_tokens": 80},
        },
    }


@dataclass
class FakeLLM:
    script: list[Reply] = field(default_factory=list)
    received: list[dict[str, Any]] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None
    hang_seconds: float = 30.0
    port: int = 0
    # What GET /props answers (llama.cpp's server settings); None answers 404 like other servers.
    props: dict[str, Any] | None = None
    props_asked: int = 0

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def start(self) -> FakeLLM:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return None

            def do_GET(self) -> None:
                found = self.path.rstrip("/") == "/props" and fake.props is not None
                fake.props_asked += self.path.rstrip("/") == "/props"
                data = json.dumps(fake.props if found else {"error": "not found"}).encode()
                self.send_response(200 if found else 404)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                fake.received.append(
                    {
                        "path": self.path,
                        "body": body,
                        "headers": dict(self.headers),
                        "time": time.monotonic(),
                    }
                )
                reply: Reply = (
                    fake.script.pop(0)
                    if fake.script
                    else {"status": 500, "body": {"error": "script empty"}}
                )
                if reply == "hang":
                    time.sleep(fake.hang_seconds)
                    return
                if callable(reply):
                    reply = reply(body)
                assert isinstance(reply, dict)
                if "sse" in reply:
                    self.send_response(reply.get("status", 200))
                    self.send_header("content-type", "text/event-stream")
                    self.send_header("connection", "close")
                    self.end_headers()
                    try:
                        for chunk in reply["sse"]:
                            time.sleep(reply.get("gap", 0.0))
                            self.wfile.write(chunk)
                            self.wfile.flush()
                    except OSError:
                        return  # the client closed the stream
                    self.close_connection = True
                    return
                status = reply.get("status", 200)
                raw = reply.get("raw")
                data = (
                    raw.encode()
                    if isinstance(raw, str)
                    else json.dumps(reply.get("body", {})).encode()
                )
                self.send_response(status)
                self.send_header("content-type", "application/json")
                for k, v in reply.get("headers", {}).items():
                    self.send_header(k, v)
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


def silent_socket() -> tuple[socket.socket, str]:
    """A listening socket that accepts connections and never answers: (socket, base URL)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    s.listen(8)
    return s, f"http://127.0.0.1:{s.getsockname()[1]}/v1"
