"""Path constants, imported by the app: their values are known before the app runs."""

API = "/api"
V1 = API + "/v1"
