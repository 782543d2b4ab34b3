"""People over HTTP. Personal data travels only in bodies, never in URLs: search is a POST."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from cordon.core.deps import SessionDep
from cordon.core.pagination import Page, PageDep
from cordon.people import service
from cordon.people.schemas import (
    DuplicateOut,
    MergeRequest,
    PersonCreate,
    PersonOut,
    PersonSearch,
    PersonUpdate,
    SearchPage,
)

router = APIRouter(prefix="/people", tags=["people"])


@router.post("", response_model=PersonOut, status_code=status.HTTP_201_CREATED)
def create_person(
    session: SessionDep,
    data: PersonCreate,
    allow_duplicate: Annotated[
        bool, Query(description="Create even when the same phone, name and birth year exist.")
    ] = False,
) -> PersonOut:
    """Register a person. 409 when they seem to exist already (the ids are in the problem)."""
    person = service.create_person(session, data, allow_duplicate=allow_duplicate)
    return PersonOut.model_validate(person)


@router.get("", response_model=Page[PersonOut])
def list_people(
    session: SessionDep,
    page: PageDep,
    ward_id: Annotated[int | None, Query(description="Only people living in this ward.")] = None,
) -> Page[PersonOut]:
    """People in id order (merged-away duplicates left out)."""
    rows, total = service.list_people(
        session, ward_id=ward_id, limit=page.limit, offset=page.offset
    )
    items = [PersonOut.model_validate(r) for r in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.post("/search", response_model=SearchPage)
def search_people(session: SessionDep, criteria: PersonSearch) -> SearchPage:
    """Find people by name words (diacritics optional), phone (any format) or national ID."""
    result = service.search_people(session, **criteria.model_dump())
    return SearchPage(
        items=[PersonOut.model_validate(r) for r in result.rows],
        total=result.total,
        total_exact=result.total_exact,
        limit=criteria.limit,
        offset=criteria.offset,
    )


@router.get("/{person_id}", response_model=PersonOut)
def get_person(session: SessionDep, person_id: int) -> PersonOut:
    return PersonOut.model_validate(service.get_person(session, person_id))


@router.patch("/{person_id}", response_model=PersonOut)
def update_person(session: SessionDep, person_id: int, data: PersonUpdate) -> PersonOut:
    """Change some fields; ``version`` must be the one last read (else 409)."""
    person = service.update_person(session, person_id, data, expected_version=data.version)
    return PersonOut.model_validate(person)


@router.post("/{keep_id}/merge", response_model=PersonOut)
def merge_people(session: SessionDep, keep_id: int, request: MergeRequest) -> PersonOut:
    """Merge the duplicate ``merge_id`` into this person; returns the kept person."""
    person = service.merge_people(
        session,
        keep_id=keep_id,
        merge_id=request.merge_id,
        keep_version=request.keep_version,
        merge_version=request.merge_version,
    )
    return PersonOut.model_validate(person)


@router.get("/{person_id}/duplicates", response_model=list[DuplicateOut])
def person_duplicates(session: SessionDep, person_id: int) -> list[DuplicateOut]:
    """Other people who are probably the same (same national ID; or phone, name, birth year)."""
    return [
        DuplicateOut(person=PersonOut.model_validate(c.person), reason=c.reason)
        for c in service.duplicates_of(session, person_id)
    ]
