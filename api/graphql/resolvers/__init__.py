"""Resolvers: parse the arguments, call the use case, render its view or the union member."""
