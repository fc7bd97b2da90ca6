"""Drafts turned into sections and numbered paragraphs: .txt, .md, .docx files and their
layout.

Pure parsing plus the upload stash; uses no model.
"""
