"""Serve rasa_plugins.channel in Rasa's own environment, with a recording stand-in for Rasa.

    .venv-rasa/bin/python tests/rasa/channel_app.py PORT TOKEN RECORD_FILE

Every message that reaches "Rasa" is appended to RECORD_FILE as one JSON line and
answered with an echo and a button, as Rasa's collecting output channel would.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from rasa.core.channels.channel import UserMessage  # noqa: E402
from sanic import Sanic, response  # noqa: E402

from rasa_plugins.channel import TokenRestInput  # noqa: E402


def main() -> None:
    port, token, record = int(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
    channel = TokenRestInput.from_credentials({"token": token})

    async def on_new_message(message: UserMessage) -> None:
        with record.open("a") as out:
            out.write(json.dumps({"sender": message.sender_id, "text": message.text,
                                  "metadata": message.metadata,
                                  "input_channel": message.input_channel}) + "\n")
        if message.text.startswith("boom"):
            raise RuntimeError("a failing turn")
        await message.output_channel.send_text_with_buttons(
            message.sender_id, f"echo: {message.text}",
            [{"title": "Yes", "payload": "/affirm"}])

    app = Sanic("channel_test")
    app.blueprint(channel.blueprint(on_new_message), url_prefix="/webhooks/carecareers")

    @app.get("/ready")
    async def ready(_: object) -> response.HTTPResponse:
        return response.json({"ok": True})

    app.run(host="127.0.0.1", port=port, access_log=False, motd=False, workers=1)


if __name__ == "__main__":
    main()
