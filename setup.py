"""Installs the top-level folders under one import namespace: `core/` as `zhifa.core`, and so on.

The folders stay where the design card puts them; only their installed names change, so that no
other distribution (the PyPI package `schema`, say) can collide with them. Everything else about
the distribution is declared in pyproject.toml.
"""

from setuptools import find_namespace_packages, setup

FOLDERS = ("core", "schema", "plugins", "migrations")


def packages(folder: str) -> list[str]:
    """The folder and every folder below it (data folders too, so their files ship as package data)."""
    return [f"zhifa.{folder}", *(f"zhifa.{folder}.{p}" for p in find_namespace_packages(folder, exclude=["*__pycache__*"]))]


setup(
    packages=[p for folder in FOLDERS for p in packages(folder)],
    package_dir={f"zhifa.{folder}": folder for folder in FOLDERS},
)
