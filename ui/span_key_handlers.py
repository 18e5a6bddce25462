"""The window's span keys (ui.actions names them): delete, the overlap offer, moving
between spans, resizing a span by tokens, or selecting tokens by keyboard."""
from __future__ import annotations


class SpanKeyHandlers:
    """Mixed into MainWindow: its editor, session and article are used here."""

    def delete_span(self) -> None:
        self.editor.delete_selected()

    def take_overlap_offer(self) -> None:
        self.editor.take_offer()

    def keep_overlapped(self) -> None:
        self.editor.withdraw_offer("Kept as it was.")

    def next_span(self) -> None:
        self.editor.select_next(+1)

    def previous_span(self) -> None:
        self.editor.select_next(-1)

    def start_left(self) -> None:
        """Shift+Left: the selected span's start a token left; with no span selected, the
        keyboard's selection a token shorter (or, from its first token, longer)."""
        if self.session.selected is None:
            self.article.extend_selection(-1)
        else:
            self.editor.move_boundary("start", -1)

    def start_right(self) -> None:
        if self.session.selected is None:
            self.article.extend_selection(+1)
        else:
            self.editor.move_boundary("start", +1)

    def end_left(self) -> None:
        self.editor.move_boundary("end", -1)

    def end_right(self) -> None:
        self.editor.move_boundary("end", +1)
