"""The MCP server, driven by the SDK's own client over stdio."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

from .conftest import EXAMPLES, ROOT


async def _session(actions: Any) -> Any:
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "apiplan", "mcp", "--root", str(EXAMPLES)],
        cwd=str(ROOT),
    )
    async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        return await actions(session)


def _text(result: Any) -> str:
    return "".join(c.text for c in result.content if getattr(c, "text", None))


def test_tools_resources_and_refusals(tmp_path: Path) -> None:
    outside = tmp_path / "secret.yaml"
    outside.write_text("openapi: 3.0.0\ninfo: {title: x, version: '1'}\npaths: {}\n")

    async def actions(session: ClientSession) -> dict[str, Any]:
        out: dict[str, Any] = {}
        out["tools"] = sorted(t.name for t in (await session.list_tools()).tools)
        out["facts"] = await session.call_tool("facts", {"docs": ["parcelbox-openapi.yaml"]})
        out["plan"] = await session.call_tool(
            "plan", {"docs": ["parcelbox-openapi.yaml"], "goal": "track a parcel"}
        )
        out["check"] = await session.call_tool("check", {"docs": ["parcelbox-openapi.yaml"]})
        out["outside"] = await session.call_tool("facts", {"docs": [str(outside)]})
        out["escape"] = await session.call_tool("facts", {"docs": ["../../etc/passwd"]})
        out["bad_args"] = await session.call_tool("plan", {"docs": ["parcelbox-openapi.yaml"]})
        out["bad_goal"] = await session.call_tool(
            "plan", {"docs": ["parcelbox-openapi.yaml"], "goal": "feed the cat"}
        )
        resources = (await session.list_resources()).resources
        out["resources"] = sorted(str(r.uri) for r in resources)
        out["schema"] = await session.read_resource("schema://apiplan/blueprint.schema.json")
        return out

    out = asyncio.run(_session(actions))
    assert out["tools"] == ["check", "facts", "plan"]
    facts = json.loads(_text(out["facts"]))
    assert {op["key"] for op in facts["operations"]} >= {
        "POST /shipments",
        "GET /shipments/{shipment_id}",
    }
    plan = json.loads(_text(out["plan"]))
    assert plan["scope"]["selection"][0]["key"] == "GET /shipments/{shipment_id}"
    assert json.loads(_text(out["check"]))["rules_run"]
    for refused in ("outside", "escape"):
        assert out[refused].isError and "outside the allowed roots" in _text(out[refused])
    assert out["bad_args"].isError and "goal" in _text(out["bad_args"])
    assert out["bad_goal"].isError and "no operation matches" in _text(out["bad_goal"])
    assert "schema://apiplan/blueprint.schema.json" in out["resources"]
    schema = json.loads(out["schema"].contents[0].text)
    assert schema["title"] == "Blueprint"
