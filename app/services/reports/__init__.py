"""Reports people read or edit: PDF through WeasyPrint, DOCX through python-docx."""
