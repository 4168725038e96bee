"""The app's screens: catalog, lesson, sandbox, help, glossary, each with a .tcss beside it."""
