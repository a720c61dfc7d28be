# language: da
Egenskab: Tilbud der frarådes
  Som fagperson på jobcentret
  vil jeg sikre, at løntilskud og virksomhedspraktik ikke anbefales, før borgeren er klar,
  fordi et tilbud, der sættes i gang for tidligt, kan skade motivationen.
  "frarådes" betyder, at tilbuddet rangeres sidst med en begrundelse;
  "advarsel" betyder, at tilbuddet bliver i rangordningen med en advarsel;
  "ingen" betyder, at ingen af reglerne slår til.
  Afklaringsforløb og rådgivning frarådes aldrig.

  Abstrakt Scenario: Hvad der frarådes, følger borgerens parathed og ønske om arbejde
    Givet en borger med standardoplysninger
    Og borgerens "kan påbegynde ethvert rimeligt arbejde inden for 14 dage" er "<kan starte>"
    Og borgerens "ønsker overordnet set at komme i arbejde" er "<ønsker arbejde>"
    Når reglerne anvendes
    Så gælder for "løntilskud" "<løntilskud>"
    Og gælder for "virksomhedspraktik" "<virksomhedspraktik>"
    Og gælder for "afklaringsforløb" "ingen"
    Og gælder for "rådgivning" "ingen"

    Eksempler:
      | kan starte | ønsker arbejde | løntilskud | virksomhedspraktik |
      | ja         | ja             | ingen      | ingen              |
      | ja         | delvist        | frarådes   | ingen              |
      | ja         | nej            | frarådes   | frarådes           |
      | delvist    | ja             | frarådes   | ingen              |
      | delvist    | delvist        | frarådes   | ingen              |
      | delvist    | nej            | frarådes   | frarådes           |
      | nej        | ja             | frarådes   | advarsel           |
      | nej        | delvist        | frarådes   | advarsel           |
      | nej        | nej            | frarådes   | frarådes           |

  Scenarie: Når både en frarådning og en advarsel rammer samme tilbud, vinder frarådningen, og begge begrundelser vises
    Givet en borger med standardoplysninger
    Og borgerens "kan påbegynde ethvert rimeligt arbejde inden for 14 dage" er "nej"
    Og borgerens "ønsker overordnet set at komme i arbejde" er "nej"
    Når reglerne anvendes
    Så gælder for "virksomhedspraktik" "frarådes"
    Og nævner begrundelsen for "virksomhedspraktik" "ikke ønsker at komme i arbejde"
    Og nævner begrundelsen for "virksomhedspraktik" "inden for 14 dage"
    Og nævner begrundelsen for "løntilskud" "skade motivationen"
