"""The SIECLE "Base élèves" XML exports: reading the files (``reader``) and importing them (``importer``)."""
