"""Named errors an operator can cause; each message says what to do next."""


class SanadError(Exception):
    """Base class for errors Sanad reports to an operator."""


class ConfigError(SanadError):
    """A setting is missing or invalid."""


class ContentError(SanadError):
    """Content (flows, answers, catalogs, directory) is invalid.

    `problems` lists every problem found, each naming its file and key or node.
    """

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))
