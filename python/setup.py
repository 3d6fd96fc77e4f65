"""Build hook: records the checkout the package was installed from (mrnn4j/_checkout.py), so that
an installed package finds the jars the Maven build made there without MRNN4J_HOME."""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithCheckout(build_py):
    """build_py that writes mrnn4j/_checkout.py naming the checkout above this directory."""

    def run(self) -> None:
        super().run()
        checkout = Path(__file__).resolve().parent.parent
        target = Path(self.build_lib) / "mrnn4j" / "_checkout.py"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(
            '"""Written at install time: the checkout this package was built from."""\n'
            f"CHECKOUT = {str(checkout)!r}\n"
        )


setup(cmdclass={"build_py": BuildWithCheckout})
