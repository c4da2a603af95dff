"""Books and the catalog that finds them."""

from dataclasses import dataclass

from library.utils import slugify


@dataclass
class Book:
    title: str
    author: str
    year: int

    @property
    def slug(self):
        return slugify(self.title)


class Catalog:
    def __init__(self):
        self.books = {}

    def add(self, book):
        self.books[book.slug] = book
        return book.slug

    def find(self, slug):
        return self.books.get(slug)

    def by_author(self, author):
        found = [book for book in self.books.values() if book.author == author]
        return sorted(found, key=lambda book: book.year)
