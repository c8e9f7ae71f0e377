"""The fuzz harness prints what it sent at the end of the run."""


def pytest_terminal_summary(terminalreporter):
    from tests.security.fuzz import STATS

    if STATS.requests or STATS.forms:
        terminalreporter.section("hostile-input fuzz harness")
        for line in STATS.lines():
            terminalreporter.write_line(line)
