"""The DCAT-AP 3 catalogue: valid against the shapes, the same in JSON-LD and Turtle."""

from pathlib import Path

import pytest
from django.test import Client
from pyshacl import validate
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, RDF

from learningcities.opendata.domain.datasets import DATASETS
from tests.factories import make_member

pytestmark = pytest.mark.django_db

SHAPES = Graph().parse(Path(__file__).with_name("dcat_ap_shapes.ttl"), format="turtle")


def catalogue(format: str, prefix: str = "") -> Graph:
    response = Client().get(f"{prefix}/open-data/catalogue.{format}")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    return Graph().parse(
        data=response.content, format="json-ld" if format == "jsonld" else "turtle"
    )


def conforms(graph: Graph) -> tuple[bool, str]:
    ok, _report, text = validate(graph, shacl_graph=SHAPES, inference="none")
    return ok, text


def test_the_catalogue_conforms_and_describes_every_dataset_and_file():
    make_member(name="Cork")
    graph = catalogue("jsonld")

    ok, text = conforms(graph)

    assert ok, text
    datasets = set(graph.subjects(RDF.type, DCAT.Dataset))
    assert {str(d).rsplit("#", 1)[1] for d in datasets} == set(DATASETS)
    distributions = set(graph.subjects(RDF.type, DCAT.Distribution))
    assert len(distributions) == sum(len(d.formats) for d in DATASETS.values())
    assert isomorphic(graph, catalogue("ttl"))


def test_a_language_given_as_a_code_is_refused():
    # What a validator refused a city's catalogue for: "en" instead of the EU's address.
    graph = catalogue("ttl")
    dataset = next(graph.subjects(RDF.type, DCAT.Dataset))
    graph.add((dataset, DCTERMS.language, Literal("en")))

    ok, text = conforms(graph)

    assert not ok
    assert "language" in text


def test_the_catalogue_speaks_the_language_of_its_address():
    graph = catalogue("ttl", "/fr")
    dataset = URIRef("http://testserver/fr/open-data/#countries")

    assert graph.value(dataset, DCTERMS.title).language == "fr"
    french = URIRef("http://publications.europa.eu/resource/authority/language/FRA")
    assert (dataset, DCTERMS.language, french) in graph
