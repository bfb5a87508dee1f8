"""The official forms of the admission dossier: the catalogue (`FORMS`), the steps that feed
each form (`steps.FORM_STEPS`), the builders (one per form or family) and the text they
share. See `catalogue` for the forms and the rules of numbering."""

from ptdv.documents.dossier import long_date
from ptdv.documents.official_forms.catalogue import FORMS, form_document
from ptdv.documents.official_forms.spec import FormSpec

__all__ = ["FORMS", "FormSpec", "form_document", "long_date"]
