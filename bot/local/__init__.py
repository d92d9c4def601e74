"""The local world: the Slack stand-in, the terminal shell and the payload builders that
drive the app as Slack would. Production code never imports this package."""
