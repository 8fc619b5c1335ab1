"""Cabinet papers: the director's prose and the programme's live figures, put together as
one `core.documents.Document` and rendered to a tagged A4 PDF and a .docx.

`paper_data` reads everything a paper shows in one consistent snapshot (one read-only
transaction; on PostgreSQL a repeatable-read one, so every table is as at the same
moment). `paper_document` turns that into the document, the full copy or — for an exempt
paper — the public one, whose exempt appendices say only why they are withheld.
`paper_job` is the Celery job that makes a version; it is safe to run twice.

Nothing personal reaches a paper: the workforce figures are `workforce.reporting`'s
aggregates with small groups suppressed, and risks show their workstream, not their owner.

One concern a module, each importing only those before it:

    formatting.py  paragraphs, a difference from plan, the tone of a RAG colour (figures
                   and dates are core.formats')
    versions.py    what a version kept, the figures changed between two, final_check
    data.py        PaperData and paper_data, the one snapshot of the figures
    sections.py    the front sheet and the numbered sections of the body
    consultation.py  the Consultation section, from the consultation records
    appendices.py  appendices A to F (APPENDIX_BUILDERS)
    document.py    paper_document: the full or the public copy as a Document
    rendering.py   paper_render: the PDF and the .docx, timed
    jobs.py        KIND, paper_generate and the job that makes a version, paper_job;
                   FINAL_KIND, paper_final_request and the job that prints one final

A test that replaces one of these replaces it where it is used (`paper_job` calls
`business_cases.papers.jobs.paper_render`), not on this package.
"""
from business_cases.papers.data import PaperData, paper_data
from business_cases.papers.document import paper_changes, paper_document
from business_cases.papers.jobs import FINAL_KIND, KIND, KINDS, paper_final_request, paper_generate, paper_job
from business_cases.papers.rendering import DOCX_TYPE, Rendered, paper_render
from business_cases.papers.versions import (
    changes_between,
    final_blocked,
    final_check,
    latest_final,
    version_document,
)

__all__ = ["DOCX_TYPE", "FINAL_KIND", "KIND", "KINDS", "PaperData", "Rendered", "changes_between", "final_blocked",
           "final_check",
           "latest_final", "paper_changes", "paper_data", "paper_document", "paper_final_request", "paper_generate",
           "paper_job", "paper_render", "version_document"]
