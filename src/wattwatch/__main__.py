from wattwatch.cli import app

app()
