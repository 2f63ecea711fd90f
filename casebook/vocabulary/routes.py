"""HTTP routes for the controlled vocabularies."""

from __future__ import annotations

from litestar import get
from litestar.params import FromPath

from casebook.errors import NotFound
from casebook.http.schemas import Output
from casebook.vocabulary import Vocabulary, vocabularies


class TermOut(Output, kw_only=True):
    id: str
    labels: dict[str, str]
    descriptions: dict[str, str]
    attributes: dict[str, object]


class VocabularyOut(Output, kw_only=True):
    name: FromPath[str]
    version: int
    terms: list[TermOut]

    @classmethod
    def of(cls, vocabulary: Vocabulary) -> VocabularyOut:
        return cls(
            name=vocabulary.name,
            version=vocabulary.version,
            terms=[
                TermOut(
                    id=t.id,
                    labels=dict(t.labels),
                    descriptions=dict(t.descriptions),
                    attributes=dict(t.attributes),
                )
                for t in vocabulary.terms.values()
            ],
        )


@get("/api/v1/vocabularies", tags=["vocabularies"], opt={"permission": "vocabulary.read"})
async def list_vocabularies() -> list[VocabularyOut]:
    return [VocabularyOut.of(v) for v in vocabularies().values()]


@get(
    "/api/v1/vocabularies/{name:str}", tags=["vocabularies"], opt={"permission": "vocabulary.read"}
)
async def show_vocabulary(name: FromPath[str]) -> VocabularyOut:
    vocabulary = vocabularies().get(name)
    if vocabulary is None:
        raise NotFound("vocabulary")
    return VocabularyOut.of(vocabulary)


ROUTES = [list_vocabularies, show_vocabulary]
