from django import forms

from .models import ApiToken


class TokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["name", "per_minute"]
        help_texts = {"per_minute": "Requests past this within a minute get 429 Too Many Requests."}
