from tui.httpx_cli import defer

defer()
