"""The intent a trained model gives each message (JSON list of texts in, JSON list of intents out).

Runs in the bot's environment: `python eval/intents.py MODEL.tar.gz < texts.json`.
"""

from __future__ import annotations

import asyncio
import json
import sys

from rasa.core.agent import Agent


async def main() -> None:
    agent = Agent.load(sys.argv[1])
    texts = json.load(sys.stdin)
    print(json.dumps([(await agent.parse_message(text))["intent"]["name"] for text in texts]))


if __name__ == "__main__":
    asyncio.run(main())
