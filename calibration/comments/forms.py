from django import forms

from calibration.editing import SharedRecordForm

from .models import Comment


class CommentForm(SharedRecordForm):
    class Meta:
        model = Comment
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
        labels = {"text": "Your comment"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Two threads can be on one page: keep their ids apart.
        self.auto_id = f"id_comment-{self.instance.pk or self.instance.object_id}_%s"
