"""The DCAT-AP 3 catalogue of the open data, in JSON-LD and Turtle (rdflib).

Every dataset (domain.datasets) with its title, description, keywords,
publisher, licence, languages and frequency, and one distribution per format
of its files in the request's language, with its size and SHA-256. The
vocabularies are the ones DCAT-AP validators expect: the EU Publications
Office's authority tables for languages, licences, file types, frequencies
and data themes, IANA's media types, SPDX checksums.
"""

from django.urls import reverse
from django.utils.translation import get_language
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from ..domain.datasets import DATASETS
from ..domain.files import dataset_files
from ..enums import DESCRIPTION, FORMATS, PUBLISHER

EU = "http://publications.europa.eu/resource/authority/"
LANGUAGE = Namespace(EU + "language/")
LICENCE = URIRef(EU + "licence/CC_BY_4_0")
FILE_TYPE = Namespace(EU + "file-type/")
FREQUENCY = Namespace(EU + "frequency/")
THEME = URIRef(EU + "data-theme/EDUC")  # Education, culture and sport
IANA = "https://www.iana.org/assignments/media-types/"
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")

# The interface languages by their code in the EU's language table (ISO 639-2/B based).
EU_LANGUAGES = {
    "en": "ENG",
    "fr": "FRA",
    "es": "SPA",
    "ar": "ARA",
    "zh-hans": "ZHO",
    "ru": "RUS",
    "vi": "VIE",
}
FILE_TYPES = {"csv": "CSV", "json": "JSON", "xlsx": "XLSX", "geojson": "GEOJSON"}


# The JSON-LD's prefixes (the triples are the same with or without).
JSONLD_CONTEXT = {
    "dcat": str(DCAT),
    "dct": str(DCTERMS),
    "foaf": str(FOAF),
    "spdx": str(SPDX),
    "vcard": str(VCARD),
    "xsd": str(XSD),
}


def eu_language(code: str) -> URIRef:
    return LANGUAGE[EU_LANGUAGES.get(code, "ENG")]


def catalogue_graph(request) -> Graph:
    """The catalogue, its datasets and their distributions in the request's language."""
    language = get_language() or "en"
    graph = Graph()
    for prefix, namespace in (
        ("dcat", DCAT),
        ("dct", DCTERMS),
        ("foaf", FOAF),
        ("spdx", SPDX),
        ("vcard", VCARD),
    ):
        graph.bind(prefix, namespace)
    home = request.build_absolute_uri(reverse("opendata:index"))
    catalogue = URIRef(home + "#catalogue")
    publisher = URIRef(home + "#publisher")
    graph.add((publisher, RDF.type, FOAF.Agent))
    graph.add((publisher, FOAF.name, Literal(PUBLISHER)))
    contact = URIRef(home + "#contact")
    graph.add((contact, RDF.type, VCARD.Kind))
    graph.add((contact, VCARD.fn, Literal(PUBLISHER)))
    graph.add((contact, VCARD.hasURL, URIRef(home)))

    graph.add((catalogue, RDF.type, DCAT.Catalog))
    graph.add((catalogue, DCTERMS.title, Literal("Learning cities: open data", lang="en")))
    graph.add((catalogue, DCTERMS.description, Literal(DESCRIPTION, lang="en")))
    graph.add((catalogue, DCTERMS.publisher, publisher))
    graph.add((catalogue, FOAF.homepage, URIRef(home)))
    graph.add((catalogue, DCTERMS.license, LICENCE))
    for code in EU_LANGUAGES:
        graph.add((catalogue, DCTERMS.language, eu_language(code)))

    modified = None
    for item in DATASETS.values():
        files = dataset_files(item)
        modified = max(modified, files.generated_at) if modified else files.generated_at
        node = URIRef(f"{home}#{item.name}")
        graph.add((catalogue, DCAT.dataset, node))
        graph.add((node, RDF.type, DCAT.Dataset))
        graph.add((node, DCTERMS.identifier, Literal(item.name)))
        graph.add((node, DCTERMS.title, Literal(str(item.title), lang=language)))
        graph.add((node, DCTERMS.description, Literal(str(item.description), lang=language)))
        graph.add((node, DCTERMS.publisher, publisher))
        graph.add((node, DCAT.contactPoint, contact))
        graph.add((node, DCAT.theme, THEME))
        graph.add((node, DCTERMS.language, eu_language(language)))
        graph.add((node, DCTERMS.accrualPeriodicity, FREQUENCY[item.frequency]))
        graph.add((node, DCTERMS.modified, Literal(files.generated_at, datatype=XSD.dateTime)))
        graph.add((node, DCAT.landingPage, URIRef(f"{home}#dataset-{item.name}")))
        for keyword in item.keywords:
            graph.add((node, DCAT.keyword, Literal(keyword, lang="en")))
        for fmt in item.formats:
            generated = files.files[fmt]
            url = request.build_absolute_uri(
                reverse("opendata:download", kwargs={"name": item.name, "format": fmt})
            )
            distribution = URIRef(url)
            graph.add((node, DCAT.distribution, distribution))
            graph.add((distribution, RDF.type, DCAT.Distribution))
            graph.add((distribution, DCAT.accessURL, URIRef(home)))
            graph.add((distribution, DCAT.downloadURL, URIRef(url)))
            graph.add(
                (
                    distribution,
                    DCTERMS.title,
                    Literal(f"{item.title}, {FORMATS[fmt][2]}", lang=language),
                )
            )
            graph.add((distribution, DCTERMS.format, FILE_TYPE[FILE_TYPES[fmt]]))
            graph.add((distribution, DCAT.mediaType, URIRef(IANA + FORMATS[fmt][1])))
            graph.add((distribution, DCTERMS.license, LICENCE))
            graph.add((distribution, DCTERMS.language, eu_language(language)))
            graph.add(
                (
                    distribution,
                    DCAT.byteSize,
                    Literal(generated.size, datatype=XSD.nonNegativeInteger),
                )
            )
            checksum = BNode()
            graph.add((distribution, SPDX.checksum, checksum))
            graph.add((checksum, RDF.type, SPDX.Checksum))
            graph.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
            graph.add(
                (checksum, SPDX.checksumValue, Literal(generated.sha256, datatype=XSD.hexBinary))
            )
    if modified is not None:
        graph.add((catalogue, DCTERMS.modified, Literal(modified, datatype=XSD.dateTime)))
    return graph
