"""Labs: the models of a lab file (:mod:`.models`) and reading them (:mod:`.loader`, a
folder of them: :mod:`.folder`).

The lab file format is documented in :mod:`.loader`.
"""

from virtlab.course.labs.folder import find_lab, lab_file_problems, load_labs
from virtlab.course.labs.loader import (
    LAB_KEYS,
    is_lab,
    lab_from_dict,
    load_any,
    load_lab,
    parse_action,
)
from virtlab.course.labs.models import (
    Feedback,
    Goal,
    Hint,
    Item,
    Lab,
    LabMeta,
    Misconception,
    NearMiss,
    Option,
    Question,
    Solution,
    Text,
)

__all__ = [
    "LAB_KEYS", "Feedback", "Goal", "Hint", "Item", "Lab", "LabMeta", "Misconception", "NearMiss", "Option",
    "Question",
    "Solution", "Text", "find_lab", "is_lab", "lab_file_problems", "lab_from_dict", "load_any", "load_lab", "load_labs",
    "parse_action",
]
