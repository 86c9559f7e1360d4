"""Server-rendered pages. Views parse, call one service or selector, and render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, LogoutView
from django.core.exceptions import PermissionDenied, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_safe

from jewelreview.accounts.roles import ACTION_LABELS, Action, user_can
from jewelreview.catalog.ingest import ingest_upload
from jewelreview.errors import ServiceError
from jewelreview.pages.forms import TOO_MANY_ATTEMPTS, LimitedAuthenticationForm, UploadForm
from jewelreview.pages.navigation import start_url_name, user_action_labels
from jewelreview.stored_files import format_bytes

UPLOADS_TEMPLATE = "pages/uploads.html"


class SignInView(LoginView):
    template_name = "pages/login.html"
    authentication_form = LimitedAuthenticationForm
    redirect_authenticated_user = True
    next_page = "pages:start"

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error("__all__", code=TOO_MANY_ATTEMPTS):
            response.status_code = 429
        return response


class SignOutView(LogoutView):
    next_page = "pages:login"

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, "You have signed out.")
        return response


@require_safe
@login_required
def start(request: HttpRequest) -> HttpResponse:
    return redirect(start_url_name(request.user))


@require_safe
@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/home.html", {"actions": user_action_labels(request.user)})


# CSRF is checked in _uploads_post, after the size check: CsrfViewMiddleware would otherwise read
# (and spool to disk) a body of any size before this view could refuse it (Django's documented
# pattern for views that must act before the body is parsed).
@csrf_exempt
@require_http_methods(["GET", "POST"])
@login_required
def uploads(request: HttpRequest) -> HttpResponse:
    if not user_can(request.user, Action.BATCH_IMPORT):
        raise PermissionDenied(f"Only managers may {ACTION_LABELS[Action.BATCH_IMPORT]}.")
    if request.method == "GET":
        return render(request, UPLOADS_TEMPLATE, {"form": UploadForm()})
    if problem := _unreadable_upload(request):
        message, status = problem
        messages.error(request, message)
        return render(request, UPLOADS_TEMPLATE, {"form": UploadForm()}, status=status)
    return _uploads_post(request)


@csrf_protect
def _uploads_post(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Nothing was imported: please correct the form.")
        return render(request, UPLOADS_TEMPLATE, {"form": form}, status=400)
    try:
        report = ingest_upload(files=form.named_files(), batch_name=form.cleaned_data["batch"], actor=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
        retry = UploadForm(initial={"batch": request.POST.get("batch", "")})
        return render(request, UPLOADS_TEMPLATE, {"form": retry}, status=exc.http_status)
    return render(request, UPLOADS_TEMPLATE, {"form": UploadForm(), "report": report})


def _unreadable_upload(request: HttpRequest) -> tuple[str, int] | None:
    """Why the body cannot be taken (too large, too many parts, malformed), before and while parsing it."""
    limit = settings.JEWELREVIEW_MAX_UPLOAD_BYTES
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    # Room for the form fields on top of the files, as the API allows.
    if length > limit + settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
        return f"The upload is larger than {format_bytes(limit)}. Nothing was imported.", 413
    try:
        _ = request.FILES  # parses the body now (files stream to temporary files past 2.5 MB)
    except TooManyFilesSent:
        most = settings.DATA_UPLOAD_MAX_NUMBER_FILES
        return f"The upload has more files than the limit of {most}: send them as one zip. Nothing was imported.", 400
    except (RequestDataTooBig, TooManyFieldsSent):
        return "The form is too large. Nothing was imported.", 413
    except (MultiPartParserError, UnreadablePostError):
        return "The upload could not be read (was it interrupted?). Nothing was imported.", 400
    return None
