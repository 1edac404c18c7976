from tierscope.cli.main import app

app()
