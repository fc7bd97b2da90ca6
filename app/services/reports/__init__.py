"""Reports people read or edit: PDF typeset by Typst, DOCX through python-docx."""
