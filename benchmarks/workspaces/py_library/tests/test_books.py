from library.books import Book, Catalog
from library.utils import slugify


def test_slugify():
    assert slugify("The  Left Hand of Darkness") == "the-left-hand-of-darkness"


def test_catalog_finds_books_by_slug_and_author():
    catalog = Catalog()
    slug = catalog.add(Book("Dune", "Herbert", 1965))
    catalog.add(Book("Dune Messiah", "Herbert", 1969))
    catalog.add(Book("Emma", "Austen", 1815))
    assert slug == "dune"
    assert catalog.find("dune").year == 1965
    assert [book.title for book in catalog.by_author("Herbert")] == ["Dune", "Dune Messiah"]
