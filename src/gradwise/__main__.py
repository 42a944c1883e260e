"""``python -m gradwise`` runs the command-line interface."""

from gradwise.cli import main

if __name__ == "__main__":
    main()
