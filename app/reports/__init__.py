"""The layout of a file: the report's workbook and PDF, its drafted text and a case's
printout, laid out from the plain data of `app.domain`. No session, no Qt: the services
call them."""
