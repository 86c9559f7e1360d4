"""Forms of the server-rendered pages: sign in (with a failed-attempt limit) and web uploads."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import BinaryIO

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from jewelreview.pages.login_attempts import (
    FAILED_LOGIN_WINDOW_SECONDS,
    login_attempts_exhausted,
    login_failure_record,
    login_failures_clear,
)

TOO_MANY_ATTEMPTS = "too_many_attempts"
# What the file picker offers; the ingest service decides what is actually imported.
UPLOAD_ACCEPT = ".jpg,.jpeg,.png,.tif,.tiff,.webp,.zip,.csv"


class LimitedAuthenticationForm(AuthenticationForm):
    """Django's sign-in form, refusing a username + address pair after too many failures."""

    def clean(self):
        username = self.cleaned_data.get("username")
        if not username or not self.cleaned_data.get("password"):
            return super().clean()
        if login_attempts_exhausted(request=self.request, username=username):
            minutes = FAILED_LOGIN_WINDOW_SECONDS // 60
            raise ValidationError(
                f"Too many failed sign-in attempts for this username from your address. "
                f"Wait {minutes} minutes and try again, or ask a manager to reset your password.",
                code=TOO_MANY_ATTEMPTS,
            )
        try:
            cleaned = super().clean()
        except ValidationError as exc:
            if exc.code == "invalid_login":
                login_failure_record(request=self.request, username=username)
            raise
        login_failures_clear(request=self.request, username=username)
        return cleaned


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field taking any number of files; cleans to a list of uploaded files."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(**kwargs)

    def clean(self, data, initial=None) -> list[UploadedFile]:
        files = [item for item in (data if isinstance(data, (list, tuple)) else [data]) if item]
        if not files:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        clean_one = super().clean
        return [clean_one(item, initial) for item in files]


class UploadForm(forms.Form):
    files = MultipleFileField(
        label="Photos and AI results, or one zip",
        help_text=(
            "Originals with their AI results, paired by name (RING1_front.jpg with RING1_front_mask.png, "
            "RING1_front_cutout.png or RING1_front.png), optionally with a manifest.csv; or one zip of them."
        ),
        max_length=500,
        # An empty file is the ingest's to refuse, by name, in the report beside the others: the
        # form's own "The submitted file is empty." refused the whole upload and named no file.
        allow_empty_file=True,
        widget=MultipleFileInput(attrs={"accept": UPLOAD_ACCEPT}),
    )
    batch = forms.CharField(
        label="Batch name (optional)",
        help_text="Photos join this batch (created if new). Left empty, the batch is named after the date and time.",
        max_length=200,
        required=False,
    )

    def clean_files(self) -> list[UploadedFile]:
        files = self.cleaned_data["files"]
        zips = [f for f in files if PurePosixPath(f.name).suffix.lower() == ".zip"]
        if zips and len(files) > 1:
            raise ValidationError("Upload a zip on its own, or image files without a zip.", code="zip_with_files")
        return files

    def clean_batch(self) -> str:
        return self.cleaned_data["batch"].strip() or f"Upload {timezone.now():%Y-%m-%d %H:%M:%S} UTC"

    def named_files(self) -> list[tuple[str, BinaryIO]]:
        """The uploads as the ingest service takes them: ``(name, file-like)``."""
        return [(upload.name, upload) for upload in self.cleaned_data["files"]]
