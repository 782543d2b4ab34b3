from cordon.cli.main import app

app()
