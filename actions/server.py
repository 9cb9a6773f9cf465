"""The action server (python -m actions.server), private to the Rasa servers.

rasa-sdk's own server (`python -m rasa_sdk`) listens on 0.0.0.0 without authentication, inflates
deflate bodies without a limit, and answers an error with the whole request body (the tracker,
with everything the user typed) — which Rasa then writes into its log. This one runs the same
actions (rasa_sdk's ActionExecutor) but

* binds to ACTIONS_HOST (default 127.0.0.1),
* answers /webhook only with the token Rasa sends in the X-Gocluster-Action-Token header (derived
  from the secret key, so every Rasa and action server of a deployment agrees on it),
* imports no Rasa (only rasa-sdk), so it starts fast and stays small,
* limits bodies to MAX_ACTION_REQUEST_BYTES, compressed or not,
* answers errors with a code, never with request data, and logs only the action and error type.
"""

from __future__ import annotations

import argparse
import hmac
import json
import logging
import os
import zlib
from typing import Any, Optional

from rasa_sdk import utils as sdk_utils
from rasa_sdk.executor import ActionExecutor
from rasa_sdk.interfaces import ActionExecutionRejection, ActionNotFoundException
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import logs
from bot.config import Settings, settings
from bot.security import ACTION_TOKEN_HEADER, action_token

logger = logging.getLogger(__name__)


class BodyTooLarge(ValueError):
    pass


def read_body(body: bytes, encoding: Optional[str], limit: int) -> Any:
    """The JSON of a request body, inflated if deflate-compressed, never beyond `limit` bytes."""
    if (encoding or "").lower() == "deflate":
        inflater = zlib.decompressobj()
        data = inflater.decompress(body, limit + 1)
        if len(data) > limit or inflater.unconsumed_tail:
            raise BodyTooLarge()
    else:
        data = body
    return json.loads(data)


def create_app(config: Optional[Settings] = None, package: str = "actions") -> Sanic:
    config = config or settings()
    app = Sanic("gocluster_actions", configure_logging=False)
    app.config.REQUEST_MAX_SIZE = config.max_action_request_bytes
    app.config.REQUEST_TIMEOUT = 30
    token = action_token().encode("utf-8")
    executor = ActionExecutor()
    executor.register_package(package)

    @app.get("/health")
    async def health(_request: Request) -> HTTPResponse:
        return response.json({"status": "ok"})

    @app.post("/webhook")
    async def webhook(request: Request) -> HTTPResponse:
        if not hmac.compare_digest(request.headers.get(ACTION_TOKEN_HEADER, "").encode("utf-8"), token):
            return response.json({"error": "unauthorized"}, status=401)
        try:
            action_call = read_body(
                request.body, request.headers.get("Content-Encoding"), config.max_action_request_bytes
            )
        except BodyTooLarge:
            return response.json({"error": "too_large"}, status=413)
        except (ValueError, zlib.error, RecursionError):
            return response.json({"error": "invalid_body"}, status=400)
        if not isinstance(action_call, dict):
            return response.json({"error": "invalid_body"}, status=400)
        sdk_utils.check_version_compatibility(action_call.get("version"))
        name = str(action_call.get("next_action") or "")[:100]
        try:
            result = await executor.run(action_call)
        except ActionExecutionRejection as rejection:
            return response.json({"error": rejection.message, "action_name": rejection.action_name}, status=400)
        except ActionNotFoundException as missing:
            logger.error("Unknown action requested: %s", missing.action_name)
            return response.json({"error": "not_found", "action_name": missing.action_name}, status=404)
        except Exception as error:  # noqa: BLE001 - no request data in the answer or the log
            logger.error("Action %s failed: %s", name, type(error).__name__)
            return response.json({"error": "internal_error", "action_name": name}, status=500)
        return response.json(result, status=200)

    return app


def main(argv: Optional[list] = None) -> None:
    parser = argparse.ArgumentParser(description="go-cluster action server")
    parser.add_argument("--actions", default="actions")
    args = parser.parse_args(argv)
    os.umask(0o077)
    logs.install()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s - %(message)s")
    logging.getLogger("sanic.access").setLevel(logging.WARNING)
    config = settings()
    app = create_app(config, args.actions)
    logger.info("Action server on http://%s:%d", config.actions_host, config.actions_port)
    app.run(host=config.actions_host, port=config.actions_port, workers=1, access_log=False, motd=False)


if __name__ == "__main__":
    main()
