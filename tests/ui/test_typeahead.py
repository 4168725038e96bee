"""Keys typed ahead of a screen change (Enter then Escape, s then Escape) must not remove
a screen while its lab panel is still mounting."""

from __future__ import annotations

import asyncio

from textual import events


def send(app, key: str) -> None:
    event = events.Key(key, key if len(key) == 1 else None)
    event.set_sender(app)
    app._driver.send_message(event)


async def test_open_and_escape_typed_ahead(new_app) -> None:
    app = new_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        for key in ["s", "enter"]:
            for _ in range(5):
                send(app, key)
                send(app, "escape")
                await asyncio.sleep(0)
            await pilot.pause()
        assert app.is_running
        assert type(app.screen).__name__ == "CatalogScreen"
