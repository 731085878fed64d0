"""A settings object: its attributes are only known when the app runs."""


class Settings:
    MISC_PREFIX: str = "/misc"


settings = Settings()
